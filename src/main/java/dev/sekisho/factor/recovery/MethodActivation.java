package dev.sekisho.factor.recovery;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.journey.Actor;
import dev.sekisho.journey.JourneyEngine;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SetupDeadline;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * What every method activation does inside the transaction that activates the credential: the
 * member_method row, onboarding 'onboarded' -> 'method_set_up', the first recovery codes, and, when
 * the member switches methods, removal of the method replaced.
 */
public final class MethodActivation {
  private final RecoveryCodes recovery;

  public MethodActivation(RecoveryCodes recovery) {
    this.recovery = recovery;
  }

  /**
   * A set-up by the member: the same as {@link #activate}, refused (the transaction rolls back)
   * when the set-up deadline has passed meanwhile.
   */
  public Future<List<String>> activateByMember(SqlClient tx, long memberId, Method method, SecondFactor replaced) {
    return SetupDeadline.check(tx, memberId).compose(v -> activate(tx, memberId, method, replaced, Actor.MEMBER));
  }

  /**
   * An activation by the insurer (a key installed, a token assigned).
   *
   * @return the recovery codes to show once, or an empty list when the member already had codes
   */
  public Future<List<String>> activate(SqlClient tx, long memberId, Method method, SecondFactor replaced) {
    return activate(tx, memberId, method, replaced, Actor.INSURER);
  }

  private Future<List<String>> activate(SqlClient tx, long memberId, Method method, SecondFactor replaced, Actor by) {
    Future<Void> removal = replaced == null || replaced.method() == method ? Future.succeededFuture()
        : replaced.removeCredential(tx, memberId).compose(v -> forget(tx, memberId, replaced.method()));
    // xmax = 0: the row is new (a method added), not a key made anew for a method the member had.
    return removal
        .compose(v -> tx.preparedQuery("insert into member_method (member_id, method, last_used_at) values ($1, $2, now()) "
            + "on conflict (member_id, method) do update set last_used_at = now() returning (xmax = 0) as added")
            .execute(Tuple.of(memberId, method.code())))
        .compose(inserted -> tx.preparedQuery("update member set last_method = $2, updated_at = now() where id = $1")
            .execute(Tuple.of(memberId, method.code()))
            .compose(v -> JourneyEngine.move(tx, memberId, MemberState.ONBOARDED, MemberState.METHOD_SET_UP, by))
            .compose(first -> inserted.iterator().next().getBoolean(0) && !first
                ? added(tx, memberId, method, replaced, by) : Future.<Void>succeededFuture()))
        .compose(v -> recovery.issued(tx, memberId))
        .compose(issued -> issued ? Future.succeededFuture(List.<String>of()) : recovery.replace(tx, memberId));
  }

  /**
   * A method beside the member's others (not the first, which the journey's move records): the
   * audit event commits with it. The page that made it records the request's address and browser.
   */
  private static Future<Void> added(SqlClient tx, long memberId, Method method, SecondFactor replaced, Actor by) {
    JsonObject detail = new JsonObject().put("method", method.code()).put("by", by.name().toLowerCase());
    if (replaced != null && replaced.method() != method) {
      detail.put("replaced", replaced.code());
    }
    return AuditLog.record(tx, new AuditEvent(memberId, null, "account.method.added", "ok", null, null, detail));
  }

  /** The member no longer has the method (its credential was removed by its factor, in the same transaction). */
  public static Future<Void> forget(SqlClient tx, long memberId, Method method) {
    return tx.preparedQuery("delete from member_method where member_id = $1 and method = $2")
        .execute(Tuple.of(memberId, method.code())).mapEmpty();
  }
}
