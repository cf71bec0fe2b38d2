package dev.sekisho.notify;

import dev.sekisho.mail.MailOutbox;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.mail.OutgoingMail;
import dev.sekisho.member.MemberContact;
import dev.sekisho.session.DeviceWords;
import dev.sekisho.web.I18n;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells a member by mail that their account's security changed (ASVS 2.2.3, 2.5.5, 2.8.5): what
 * happened, when (Japan time), from which browser and address, and what to do if it was not them,
 * in the member's language; the browser in the words of the account page's sessions list ("Chrome on
 * Windows"), parsed on a worker thread. One call per event: {@link #send(SqlClient, long, Notice, NoticeContext)}
 * inside the transaction of the change (the mail commits or rolls back with it, through the outbox),
 * or {@link #send(long, Notice, NoticeContext)} in a transaction of its own.
 *
 * <p>"Account locked" is sent at most once per lock period per member, however many failures a
 * guesser sends: a notice an attacker could repeat at will would bury the member's mailbox.
 */
public final class SecurityNotices {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityNotices.class);
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  /** A browser's self-description is the client's to choose: shown, but never at any length. */
  private static final int MAX_DEVICE = 200;

  private final Vertx vertx;
  private final Pool pool;
  private final MailOutbox outbox;
  private final MailTemplates templates;
  private final I18n i18n;
  private final String accountLink;
  private final String fromName;
  private final Duration lockQuiet;

  /**
   * @param publicOrigin the gateway's public origin, for the account page's link in each notice
   * @param lockQuiet after an "account locked" notice, how long further locks stay silent (the lock's own length)
   */
  public SecurityNotices(Vertx vertx, Pool pool, MailOutbox outbox, MailTemplates templates, I18n i18n, String publicOrigin,
                         String fromName, Duration lockQuiet) {
    this.vertx = vertx;
    this.pool = pool;
    this.outbox = outbox;
    this.templates = templates;
    this.i18n = i18n;
    this.accountLink = publicOrigin + "/sekisho/account";
    this.fromName = fromName;
    this.lockQuiet = lockQuiet;
  }

  /** The mail templates every notice needs, for the start-up's list of templates to load. */
  public static List<String> templateNames() {
    return java.util.Arrays.stream(Notice.values()).map(Notice::template).toList();
  }

  /**
   * In a transaction of its own, for a change already committed; the mail is handed to SMTP at once
   * after the commit. Never fails: the change happened whatever becomes of its notice, and the
   * caller's answer must not turn into an error page. A failure is logged.
   */
  public Future<Void> send(long memberId, Notice notice, NoticeContext context) {
    List<Long> queued = new ArrayList<>();
    // The browser is put in words before the transaction: no connection waits on the parser.
    return deviceOf(context).compose(device -> pool.withTransaction(tx -> queue(tx, memberId, notice, context, device, queued)))
        .onSuccess(v -> queued.forEach(outbox::deliverNow))
        .otherwise(err -> {
          LOG.warn("security notice {} for member {} not queued: {}", notice, memberId, err.toString());
          return null;
        });
  }

  /** Inside the caller's transaction, which must have made the change already (the address is read from it). */
  public Future<Void> send(SqlClient tx, long memberId, Notice notice, NoticeContext context) {
    return deviceOf(context).compose(device -> queue(tx, memberId, notice, context, device, new ArrayList<>()));
  }

  /** The parts of the change's browser; parsing runs the parser's whole pattern list, so on a worker thread. */
  private Future<DeviceWords.Device> deviceOf(NoticeContext context) {
    String userAgent = context.userAgent();
    if (context.byInsurer() || userAgent == null || userAgent.isBlank()) {
      return Future.succeededFuture(DeviceWords.Device.UNKNOWN);
    }
    return DeviceWords.parseAll(vertx, List.of(userAgent)).map(parsed -> DeviceWords.of(parsed, userAgent));
  }

  private Future<Void> queue(SqlClient tx, long memberId, Notice notice, NoticeContext context, DeviceWords.Device device,
                             List<Long> queued) {
    Future<Boolean> due = notice == Notice.ACCOUNT_LOCKED ? lockNoticeDue(tx, memberId) : Future.succeededFuture(true);
    return due.compose(send -> !send ? Future.<Void>succeededFuture() : MemberContact.of(tx, memberId).compose(contact -> {
      if (contact == null) {
        return Future.<Void>succeededFuture();
      }
      List<String> recipients = new ArrayList<>();
      if (contact.email() != null && !contact.email().isBlank()) {
        recipients.add(contact.email());
      }
      String other = context.otherAddress();
      if (notice == Notice.EMAIL_CHANGED && other != null && !other.isBlank() && !other.equalsIgnoreCase(contact.email())) {
        recipients.add(other);
      }
      MailTemplates.Text text = templates.render(notice.template(), contact.language(), values(contact, context, device));
      Future<Void> chain = Future.succeededFuture();
      for (String to : recipients) {
        chain = chain.compose(v -> outbox.enqueue(tx, new OutgoingMail(memberId, notice.template(), to, text.subject(), text.body()))
            .map(id -> {
              queued.add(id);
              return null;
            }));
      }
      return chain;
    }));
  }

  /** Serialises the lock notices of one member (two gateway processes locking at once send one mail). */
  private Future<Boolean> lockNoticeDue(SqlClient tx, long memberId) {
    return tx.preparedQuery("select pg_advisory_xact_lock(hashtextextended('sekisho-lock-notice:' || $1::bigint, 0))")
        .execute(Tuple.of(memberId))
        .compose(v -> MailOutbox.queuedWithin(tx, memberId, Notice.ACCOUNT_LOCKED.template(), lockQuiet))
        .map(recent -> !recent);
  }

  private Map<String, String> values(MemberContact contact, NoticeContext context, DeviceWords.Device parsed) {
    String lang = contact.language();
    String device = context.byInsurer() ? i18n.text(lang, "notify.byInsurer") : deviceWords(context.userAgent(), parsed, lang);
    String address = context.byInsurer() ? "-" : shown(context.ip(), lang);
    String method = context.method() == null ? "" : i18n.text(lang, "account.methods." + context.method());
    return Map.of(
        "name", contact.name() == null ? "" : contact.name(),
        "when", ZonedDateTime.now(JAPAN).format(WHEN) + " (JST)",
        "device", device,
        "address", address,
        "method", method,
        "oldAddress", context.otherAddress() == null ? "" : context.otherAddress(),
        "newAddress", contact.email() == null ? "" : contact.email(),
        "account", accountLink,
        "fromName", fromName);
  }

  /** "Chrome on Windows" in the mail's language; a browser the parser does not know is shown as it named itself. */
  private String deviceWords(String userAgent, DeviceWords.Device parsed, String lang) {
    if (parsed.browser() == null && parsed.system() == null) {
      return shown(userAgent, lang);
    }
    return DeviceWords.phrasing(i18n, lang).words(parsed);
  }

  private String shown(String value, String lang) {
    if (value == null || value.isBlank()) {
      return i18n.text(lang, "notify.unknown");
    }
    String oneLine = value.replaceAll("[\\r\\n\\t]", " ");
    return oneLine.length() > MAX_DEVICE ? oneLine.substring(0, MAX_DEVICE) + "…" : oneLine;
  }
}
