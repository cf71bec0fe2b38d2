package dev.sekisho.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.login.SendLimit;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.mail.OutgoingMail;
import dev.sekisho.member.Member;
import dev.sekisho.member.OwnCredentials;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A signed-in member moves to a new email address. The request mails a single-use link to the new
 * address (the same kind of link, validity and limits as the onboarding confirmation: the per-member
 * cooldown and the hourly send limit); the member's address stays the old one, which keeps receiving
 * codes and notices, until the link's page is confirmed with its button (a GET changes nothing, so a
 * mail scanner fetching the link confirms nothing). Confirming tells both addresses. Only the
 * SHA-256 of a token is stored; a newer request revokes an older link.
 */
public final class EmailChange {
  public static final String CONFIRM_PATH = "/sekisho/account/email/confirm";
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");

  public enum Requested { SENT, SAME_ADDRESS, COOLDOWN, FLOODED }

  public enum Confirmed { CONFIRMED, USED, EXPIRED, UNKNOWN }

  private final Vertx vertx;
  private final Pool pool;
  private final SendLimit sends;
  private final Duration validity;
  private final Duration cooldown;
  private final MailTemplates templates;
  private final MailOutbox outbox;
  private final SecurityNotices notices;
  private final String publicOrigin;
  private final String fromName;

  public EmailChange(Vertx vertx, Pool pool, SendLimit sends, Duration validity, Duration cooldown, MailTemplates templates,
                     MailOutbox outbox, SecurityNotices notices, String publicOrigin, String fromName) {
    this.vertx = vertx;
    this.pool = pool;
    this.sends = sends;
    this.validity = validity;
    this.cooldown = cooldown;
    this.templates = templates;
    this.outbox = outbox;
    this.notices = notices;
    this.publicOrigin = publicOrigin;
    this.fromName = fromName;
  }

  /** The address a change waits on (unused, unexpired link), or null. */
  public Future<String> pending(long memberId) {
    return pool.preparedQuery("select new_email from email_change where member_id = $1 and used_at is null "
            + "and revoked_at is null and expires_at > now() order by created_at desc limit 1")
        .execute(Tuple.of(memberId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Mails the link to the new (already normalised) address, in the page's language. */
  public Future<Requested> request(Member member, String newEmail, String lang, AuditEvent.Client client) {
    if (newEmail.equalsIgnoreCase(member.email())) {
      return Future.succeededFuture(Requested.SAME_ADDRESS);
    }
    byte[] raw = new byte[32];
    VertxContextPRNG.current(vertx).nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    OffsetDateTime expires = OffsetDateTime.now().plus(validity);
    List<Long> queued = new ArrayList<>();
    return pool.withTransaction(tx -> tx.preparedQuery("""
            select (select max(created_at) from email_change c where c.member_id = m.id)
              > now() - make_interval(secs => $2)
            from member m where m.id = $1 for update
            """).execute(Tuple.of(member.id(), (double) cooldown.toSeconds()))
        .compose(rows -> {
          if (Boolean.TRUE.equals(rows.iterator().next().getBoolean(0))) {
            return Future.succeededFuture(Requested.COOLDOWN);
          }
          return sends.take(member.id(), client.ip()).compose(allowed -> allowed
              ? queue(tx, member, newEmail, lang, token, expires, client, queued)
              : Future.succeededFuture(Requested.FLOODED));
        }))
        .onSuccess(outcome -> queued.forEach(outbox::deliverNow));
  }

  private Future<Requested> queue(SqlClient tx, Member member, String newEmail, String lang, String token,
                                  OffsetDateTime expires, AuditEvent.Client client, List<Long> queued) {
    MailTemplates.Text text = templates.render("email-change", lang, Map.of(
        "name", member.name(),
        "link", publicOrigin + CONFIRM_PATH + "?token=" + token,
        "expires", expires.atZoneSameInstant(JAPAN).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + " (JST)",
        "fromName", fromName));
    return tx.preparedQuery("update email_change set revoked_at = now() where member_id = $1 and used_at is null and revoked_at is null")
        .execute(Tuple.of(member.id()))
        .compose(v -> tx.preparedQuery("insert into email_change (member_id, token_hash, new_email, old_email, expires_at) "
                + "values ($1, $2, $3, $4, $5)")
            .execute(Tuple.of(member.id(), Buffer.buffer(sha256(token)), newEmail, member.email(), expires)))
        .compose(v -> outbox.enqueue(tx, new OutgoingMail(member.id(), "email-change", newEmail, text.subject(), text.body())))
        .compose(id -> {
          queued.add(id);
          return AuditLog.record(tx, AuditEvent.of(member.id(), member.loginId(), "email.change.requested", "ok", client));
        })
        .map(Requested.SENT);
  }

  /** What pressing the link's button would do, changing nothing. */
  public Future<Confirmed> peek(String token) {
    if (!plausible(token)) {
      return Future.succeededFuture(Confirmed.UNKNOWN);
    }
    return pool.preparedQuery("select expires_at > now(), used_at is not null, revoked_at is not null "
            + "from email_change where token_hash = $1")
        .execute(Tuple.of(Buffer.buffer(sha256(token))))
        .map(rows -> rows.size() == 0 ? Confirmed.UNKNOWN : state(rows.iterator().next(), 0));
  }

  /** The button pressed (any browser, no session needed: the link is the proof). */
  public Future<Confirmed> confirm(String token, AuditEvent.Client client) {
    if (!plausible(token)) {
      return Future.succeededFuture(Confirmed.UNKNOWN);
    }
    return pool.withTransaction(tx -> tx.preparedQuery("select expires_at > now(), used_at is not null, revoked_at is not null, "
                + "id, member_id, new_email, old_email from email_change where token_hash = $1 for update")
        .execute(Tuple.of(Buffer.buffer(sha256(token))))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Confirmed.UNKNOWN);
          }
          Row row = rows.iterator().next();
          Confirmed state = state(row, 0);
          if (state != Confirmed.CONFIRMED) {
            return Future.succeededFuture(state);
          }
          long memberId = row.getLong(4);
          String newEmail = row.getString(5);
          String oldEmail = row.getString(6);
          // The address moved meanwhile (the insurer's import): this link no longer describes a change.
          return OwnCredentials.replaceEmail(tx, memberId, oldEmail, newEmail).compose(moved -> !moved
              ? Future.succeededFuture(Confirmed.EXPIRED)
              : tx.preparedQuery("update email_change set used_at = now() where id = $1").execute(Tuple.of(row.getLong(3)))
                  .compose(v -> AuditLog.record(tx, AuditEvent.of(memberId, null, "email.change.confirmed", "ok", client)))
                  .compose(v -> notices.send(tx, memberId, Notice.EMAIL_CHANGED, NoticeContext.from(client).withOtherAddress(oldEmail)))
                  .map(Confirmed.CONFIRMED));
        }));
  }

  /** The link's state from (expires_at > now(), used, revoked) at the given column. */
  private static Confirmed state(Row row, int first) {
    if (row.getBoolean(first + 1)) {
      return Confirmed.USED;
    }
    return !row.getBoolean(first) || row.getBoolean(first + 2) ? Confirmed.EXPIRED : Confirmed.CONFIRMED;
  }

  private static boolean plausible(String token) {
    return token != null && token.length() >= 20 && token.length() <= 100;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
