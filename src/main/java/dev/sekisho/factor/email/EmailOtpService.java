package dev.sekisho.factor.email;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.factor.Activation;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.code.CodeInput;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.recovery.MethodActivation;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.login.SendLimit;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.mail.OutgoingMail;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import dev.sekisho.mail.MailTemplates;

import java.security.SecureRandom;
import java.util.List;

/**
 * Email one-time passwords (J2.7 and J3.1): 6 digits from a CSPRNG, stored as a keyed hash, valid
 * for otp.emailValidityMinutes, at most otp.emailMaxTries tries. A resend (cooldown, hourly cap)
 * replaces the row, so the previous code is dead. The check is one UPDATE that counts the try and
 * marks the code used in the same statement: a code passes once (EmailCheckBatch; login checks
 * arriving together share it and its commit, which also holds a pass's audit event). The mail goes through the outbox
 * in the transaction that stores the code and is handed to SMTP at once after commit (the sender
 * is mail.fromName / mail.fromAddress: the insurer's name and its no-reply address).
 */
public final class EmailOtpService {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final SecretBox box;
  private final OtpSettings settings;
  private final SecondStepLimit limit;
  private final MethodActivation activation;
  private final MailOutbox mailer;
  private final SendLimit sends;
  private final OtpCodeMail text;
  /** This verticle's group commit of login checks (EmailCheckBatch); with batching off, each check alone. */
  private final GroupCommit<Tuple, EmailCheckBatch.Decided> checks;

  public enum SendResult { SENT, ALREADY_LIVE, COOLDOWN, HOURLY_CAP }

  public EmailOtpService(Pool pool, SecretBox box, OtpSettings settings, SecondStepLimit limit, MethodActivation activation,
                         MailOutbox mailer, SendLimit sends, OtpCodeMail text, Batching batching) {
    this.checks = batching.of("email", new EmailCheckBatch(pool));
    this.sends = sends;
    this.text = text;
    this.pool = pool;
    this.box = box;
    this.settings = settings;
    this.limit = limit;
    this.activation = activation;
    this.mailer = mailer;
  }

  /**
   * Sends a code. With resend false (opening the page) nothing is sent while a live code exists;
   * with resend true (再送信) a new code replaces it, subject to cooldown and hourly cap.
   */
  public Future<SendResult> send(long memberId, String email, String name, boolean resend) {
    return send(memberId, email, name, "ja", resend, null);
  }

  /**
   * @param lang the language of the page asking (ja, en): the mail is written in it
   * @param ip the client address asking; its mail is limited per hour across all members (null: not counted)
   */
  public Future<SendResult> send(long memberId, String email, String name, String lang, boolean resend, String ip) {
    String code = newCode();
    long[] outbox = {-1};
    return pool.withTransaction(tx -> tx.preparedQuery("""
            select sent_at > now() - make_interval(secs => $2) as cooling,
                   hour_start > now() - interval '1 hour' as same_hour, hour_count,
                   not used and expires_at > now() and tries < $3 as live
            from otp_email_code where member_id = $1 for update
            """).execute(Tuple.of(memberId, (double) settings.resendCooldown().toSeconds(), settings.emailMaxTries()))
        .compose(rows -> {
          boolean sameHour = false;
          int hourCount = 0;
          if (rows.size() == 1) {
            Row row = rows.iterator().next();
            if (!resend && row.getBoolean(3)) {
              return Future.succeededFuture(SendResult.ALREADY_LIVE);
            }
            if (row.getBoolean(0)) {
              return Future.succeededFuture(SendResult.COOLDOWN);
            }
            sameHour = row.getBoolean(1);
            hourCount = row.getInteger(2);
            if (sameHour && hourCount >= settings.resendPerHour()) {
              return Future.succeededFuture(SendResult.HOURLY_CAP);
            }
          }
          boolean keepHour = sameHour;
          int count = keepHour ? hourCount + 1 : 1;
          Future<Boolean> allowed = sends == null || ip == null ? Future.succeededFuture(true) : sends.take(null, ip);
          return allowed.compose(ok -> !ok ? Future.succeededFuture(SendResult.HOURLY_CAP) : tx.preparedQuery("""
                  insert into otp_email_code (member_id, key_id, code_hash, expires_at, tries, used, sent_at, hour_start, hour_count)
                  values ($1, $2, $3, now() + make_interval(secs => $4), 0, false, now(), now(), $5)
                  on conflict (member_id) do update set key_id = excluded.key_id, code_hash = excluded.code_hash,
                    expires_at = excluded.expires_at, tries = 0, used = false, sent_at = now(),
                    hour_start = case when $6 then otp_email_code.hour_start else now() end, hour_count = $5
                  returning expires_at
                  """)
              .execute(Tuple.of(memberId, box.activeKeyId(), box.hash(context(memberId), code),
                  (double) settings.emailValidity().toSeconds(), count, keepHour))
              .compose(inserted -> {
                var expires = inserted.iterator().next().getOffsetDateTime(0);
                MailTemplates.Text mail = text.render(lang, name, code, settings.emailValidity(), expires);
                return mailer.enqueue(tx, new OutgoingMail(memberId, "otp-code", email, mail.subject(), mail.body()));
              })
              .map(id -> {
                outbox[0] = id;
                return SendResult.SENT;
              }));
        }))
        .onSuccess(result -> {
          if (result == SendResult.SENT) {
            mailer.deliverNow(outbox[0]);
          }
        });
  }

  /**
   * Whether the member's latest code mail is still waiting in the outbox after a failed attempt
   * (SMTP refusing or timing out): the page then says the mail is delayed and that 再送信 may help
   * later. The code and the member's place in the journey stay as they are.
   */
  public Future<Boolean> mailDelayed(long memberId) {
    return pool.preparedQuery("select status <> 'sent' and last_error is not null from mail_outbox "
            + "where member_id = $1 and kind = 'otp-code' order by id desc limit 1").execute(Tuple.of(memberId))
        .map(rows -> rows.size() == 1 && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)));
  }

  /** The login check, audited by its caller. */
  public Future<CheckResult> verify(long memberId, String typed) {
    return verify(memberId, typed, null);
  }

  /**
   * The login check.
   *
   * @param passed the audit event of a pass (outcome ok), written by the check's own statement and
   *     commit when the code passes (EmailCheckBatch); null: none. Refusals are the caller's to audit.
   */
  public Future<CheckResult> verify(long memberId, String typed, AuditEvent passed) {
    return checks.submit(checkOf(memberId, typed, passed)).compose(decided -> answer(memberId, decided));
  }

  /** Set-up (J2.7): the check and the activation in one transaction. */
  public Future<Activation> activate(long memberId, String typed, SecondFactor replaced) {
    return pool.withTransaction(tx -> check(tx, memberId, typed).compose(result -> result != CheckResult.OK
            ? Future.succeededFuture(new Activation(result, List.of()))
            : activation.activateByMember(tx, memberId, Method.EMAIL, replaced).map(codes -> new Activation(CheckResult.OK, codes))))
        .compose(a -> a.result() == CheckResult.OK ? limit.clear(memberId).map(a) : Future.succeededFuture(a));
  }

  /** The set-up's check: the single statement, inside the transaction that activates the method. */
  private Future<CheckResult> check(SqlClient tx, long memberId, String typed) {
    return EmailCheckBatch.single(tx, checkOf(memberId, typed, null)).compose(decided -> answer(memberId, decided));
  }

  private Tuple checkOf(long memberId, String typed, AuditEvent passed) {
    String code = CodeInput.digits(typed, 6);
    byte[] hash = box.hash(context(memberId), code == null ? "-" : code);
    return EmailCheckBatch.check(memberId, SecondStepLimit.subject(memberId), hash, settings.emailMaxTries(), passed);
  }

  private Future<CheckResult> answer(long memberId, EmailCheckBatch.Decided decided) {
    if (decided.locked()) {
      return Future.succeededFuture(CheckResult.LOCKED);
    }
    Boolean used = decided.used();
    if (used == null) {
      return Future.succeededFuture(CheckResult.EXPIRED);
    }
    if (used) {
      return Future.succeededFuture(CheckResult.OK);
    }
    boolean live = decided.live();
    // A wrong code counts toward the member's second-step limit either way.
    return limit.fail(memberId).map(r -> r == CheckResult.LOCKED ? r : live ? CheckResult.INVALID : CheckResult.EXPIRED);
  }

  private static String newCode() {
    return String.format("%06d", RANDOM.nextInt(1_000_000));
  }

  static String context(long memberId) {
    return "email:" + memberId;
  }
}
