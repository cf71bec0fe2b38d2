package dev.sekisho.mail;

import dev.sekisho.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;

/**
 * The outbox: every mail is a row written in the transaction of the change that causes it, so a
 * mail is never lost and never sent for a change that rolled back. {@link MailDeliveryVerticle}
 * delivers the rows; {@link #deliverNow} asks it to hand one row to SMTP at once (after commit)
 * instead of at its next poll, for mails a member is waiting for (confirmation links, codes).
 *
 * <p>A body waits sealed with the secret ring ({@link SecretBox}, as OTP keys are): it carries the
 * confirmation link's token or an email code, which must not lie in clear in the table while SMTP is
 * down. The associated data binds it to its kind and recipient, so a sealed body copied to another
 * row does not open. Only the delivery verticle opens it, just before handing it to SMTP.
 */
public final class MailOutbox {
  /** Event-bus address (local to one process) of the delivery verticle; the message body is the row id. */
  static final String DELIVER_ADDRESS = "sekisho.mail.deliver";

  private final Vertx vertx;
  private final Pool pool;
  private final SecretBox box;

  public MailOutbox(Vertx vertx, Pool pool, SecretBox box) {
    this.vertx = vertx;
    this.pool = pool;
    this.box = box;
  }

  /** Inside the caller's transaction: the mail commits (or rolls back) with it. Returns the row id. */
  public Future<Long> enqueue(SqlClient tx, OutgoingMail mail) {
    byte[] sealed = box.seal(mail.body().getBytes(StandardCharsets.UTF_8), context(mail.kind(), mail.recipient()));
    return tx.preparedQuery("insert into mail_outbox (member_id, kind, recipient, subject, body, sealed_body, key_id) "
            + "values ($1, $2, $3, $4, '', $5, $6) returning id")
        .execute(Tuple.of(mail.memberId(), mail.kind(), mail.recipient(), mail.subject(),
            io.vertx.core.buffer.Buffer.buffer(sealed), box.activeKeyId()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Whether a mail of this kind to the member was queued within the last {@code within}: for
   * notices that must not repeat (one "account locked" mail per lock, however many guesses follow).
   * Call inside the transaction that would queue the next one, after taking the member's lock.
   */
  public static Future<Boolean> queuedWithin(SqlClient tx, long memberId, String kind, java.time.Duration within) {
    return tx.preparedQuery("select exists (select 1 from mail_outbox where member_id = $1 and kind = $2 "
            + "and created_at > now() - make_interval(secs => $3))")
        .execute(Tuple.of(memberId, kind, (double) within.toSeconds()))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * The body to send: opened from its seal, or the clear body of a row written before bodies were
   * sealed. Used by the delivery verticle (and by tests that read a waiting mail).
   */
  /**
   * Drops every mail of a member who is being removed, sent or not: the rows hold their address and
   * the mail's text, and nothing may still go out to someone the insurer erased.
   *
   * @return how many mails were dropped
   */
  public static Future<Integer> forgetMember(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from mail_outbox where member_id = $1").execute(io.vertx.sqlclient.Tuple.of(memberId))
        .map(rows -> rows.rowCount());
  }

  public static String body(SecretBox box, String kind, String recipient, String clearBody, byte[] sealed, String keyId) {
    if (sealed == null) {
      return clearBody;
    }
    return new String(box.open(keyId, sealed, context(kind, recipient)), StandardCharsets.UTF_8);
  }

  private static String context(String kind, String recipient) {
    return "mail:" + kind + ":" + recipient;
  }

  /**
   * Call after the enqueuing transaction committed: this process's delivery verticle claims the row
   * and sends it now. If that fails (SMTP down, process stopping) the row stays pending and the
   * regular retry delivers it later: nothing depends on this call succeeding.
   */
  public void deliverNow(long id) {
    vertx.eventBus().send(DELIVER_ADDRESS, id);
  }

  /** Mails not (yet) delivered, newest first, for the insurer: pending, in flight, or given up. No bodies. */
  public Future<JsonArray> undelivered(int limit) {
    return pool.preparedQuery("""
        select m.id, m.kind, m.recipient, m.status, m.attempts, m.next_attempt_at, m.last_error, m.created_at, mem.login_id
        from mail_outbox m left join member mem on mem.id = m.member_id
        where m.status <> 'sent' order by m.created_at desc limit $1
        """).execute(Tuple.of(limit)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("id", row.getLong("id")).put("kind", row.getString("kind"))
                .put("recipient", row.getString("recipient")).put("status", row.getString("status"))
                .put("attempts", row.getInteger("attempts"))
                .put("nextAttemptAt", String.valueOf(row.getOffsetDateTime("next_attempt_at")))
                .put("lastError", row.getString("last_error"))
                .put("createdAt", String.valueOf(row.getOffsetDateTime("created_at")))
                .put("userId", row.getString("login_id")));
          }
          return out;
        });
  }
}
