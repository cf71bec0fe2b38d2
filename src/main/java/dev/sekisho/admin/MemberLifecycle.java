package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.member.Member;
import dev.sekisho.session.MemberSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * A member's standing with the insurer (資格喪失): deactivate, reactivate, remove. Each is one
 * transaction with its audit event, like {@link MemberAdmin}'s changes.
 *
 * <p>Deactivation is its own column (V16), not an onboarding state, so the journey keeps its one
 * writer and a reactivated member resumes where they were. Removal deletes the member row; every
 * credential table (passwords live in the row; TOTP, HOTP, passkeys, recovery codes, email codes,
 * confirmations, sessions) cascades with it and the member's mail is dropped. The audit log keeps
 * its events, with the member's numeric id and user ID, so what happened before stays traceable.
 */
public final class MemberLifecycle {
  private final Pool pool;

  public MemberLifecycle(Pool pool) {
    this.pool = pool;
  }

  /**
   * Deactivates the member and ends every session at once (pages, proxy, forward-auth, OTP API: all
   * share the session table).
   *
   * @return how many sessions were ended, or null when the member was already deactivated (nothing changed)
   */
  public Future<Integer> deactivate(Member member, AuditEvent event) {
    return pool.withTransaction(tx -> tx.preparedQuery(
            "update member set deactivated_at = now(), updated_at = now() where id = $1 and deactivated_at is null")
        .execute(Tuple.of(member.id()))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture((Integer) null)
            : MemberSessions.endAll(tx, member.id()).compose(ended -> AuditLog.record(tx, event.with(
                new JsonObject().put("sessionsEnded", ended))).map(ended))));
  }

  /** @return whether the member was deactivated (and now is not); false changes nothing */
  public Future<Boolean> reactivate(Member member, AuditEvent event) {
    return pool.withTransaction(tx -> tx.preparedQuery(
            "update member set deactivated_at = null, updated_at = now() where id = $1 and deactivated_at is not null")
        .execute(Tuple.of(member.id()))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : AuditLog.record(tx, event).map(true)));
  }

  /**
   * Erases the member: sessions end, credentials and personal data are deleted, the member's mail
   * is dropped. The event records the numeric id and user ID (kept for audit linking) and no
   * other personal data.
   *
   * @return what was erased ({@code sessionsEnded}, {@code mailsDropped}), or null when the member
   *     was already gone
   */
  public Future<JsonObject> remove(Member member, AuditEvent event) {
    return pool.withTransaction(tx -> MemberSessions.endAll(tx, member.id())
        .compose(ended -> MailOutbox.forgetMember(tx, member.id()).compose(mails -> tx
            .preparedQuery("delete from member where id = $1").execute(Tuple.of(member.id()))
            .compose(rows -> {
              if (rows.rowCount() == 0) {
                return Future.succeededFuture((JsonObject) null);
              }
              JsonObject result = new JsonObject().put("sessionsEnded", ended).put("mailsDropped", mails);
              return AuditLog.record(tx, event.with(result)).map(result);
            }))));
  }
}
