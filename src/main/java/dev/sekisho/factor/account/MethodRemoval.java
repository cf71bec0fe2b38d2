package dev.sekisho.factor.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.recovery.MethodActivation;
import dev.sekisho.member.Method;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.Set;

/**
 * The member removes one of their methods from the account page (after a fresh check). Never the
 * last: the member row is locked first, as every change of a member's methods does (PasskeyStore),
 * so two removals racing in two tabs or two gateway processes cannot both see "another remains".
 * The credential, the method row and the audit event go in one transaction.
 */
public final class MethodRemoval {
  /** How a removal ended. */
  public enum Outcome {
    REMOVED,
    /** The member has no other method: nothing changed. */
    LAST_METHOD,
    /** The member does not have this method (removed meanwhile in another tab). */
    NOT_SET_UP
  }

  private final Pool pool;
  private final SecondFactors factors;

  public MethodRemoval(Pool pool, SecondFactors factors) {
    this.pool = pool;
    this.factors = factors;
  }

  public Future<Outcome> remove(long memberId, String loginId, Method method, AuditEvent.Client client) {
    SecondFactor factor = factors.of(method);
    return pool.withTransaction(tx -> tx.preparedQuery("select 1 from member where id = $1 for update")
        .execute(Tuple.of(memberId))
        .compose(locked -> tx.preparedQuery("select method from member_method where member_id = $1").execute(Tuple.of(memberId)))
        .compose(rows -> {
          Set<String> held = new HashSet<>();
          for (Row row : rows) {
            held.add(row.getString(0));
          }
          if (!held.contains(method.code()) || factor == null) {
            return Future.succeededFuture(Outcome.NOT_SET_UP);
          }
          if (held.size() < 2) {
            return Future.succeededFuture(Outcome.LAST_METHOD);
          }
          return factor.removeCredential(tx, memberId)
              .compose(v -> MethodActivation.forget(tx, memberId, method))
              .compose(v -> AuditLog.record(tx, AuditEvent.of(memberId, loginId, "account.method.removed", "ok", client)
                  .with(new JsonObject().put("method", method.code()))))
              .map(Outcome.REMOVED);
        }));
  }
}
