package dev.sekisho.journey;

import dev.sekisho.member.MemberState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one writer of member.onboarding_state. A move is made only when {@link Transitions} lists it
 * for that actor, and only while the member is still in from: one conditional UPDATE, so a second
 * tab, a replayed form or another gateway process that moved first makes it a no-op (false).
 */
public final class JourneyEngine {
  private JourneyEngine() {}

  /** The move inside the caller's transaction, with what the step records besides the state. */
  public static Future<Boolean> move(SqlClient tx, long memberId, MemberState from, MemberState to, Actor by,
                                     ColumnUpdates extra) {
    if (!Transitions.allows(from, to, by)) {
      return Future.failedFuture(new RefusedMove(from, to, by));
    }
    Tuple tuple = Tuple.of(memberId, to.code(), from.code());
    extra.params().forEach(tuple::addValue);
    String sql = "update member set onboarding_state = $2, updated_at = now()"
        + (extra.sets() == null ? "" : ", " + extra.sets())
        + " where id = $1 and onboarding_state = $3"
        + (extra.condition() == null ? "" : " and " + extra.condition());
    return tx.preparedQuery(sql).execute(tuple).map(rows -> rows.rowCount() == 1);
  }

  public static Future<Boolean> move(SqlClient tx, long memberId, MemberState from, MemberState to, Actor by) {
    return move(tx, memberId, from, to, by, ColumnUpdates.none());
  }

  /** The same in a transaction of its own, for callers that have none. */
  public static Future<Boolean> move(Pool pool, long memberId, MemberState from, MemberState to, Actor by,
                                     ColumnUpdates extra) {
    return pool.withTransaction(tx -> move(tx, memberId, from, to, by, extra));
  }

  /** A move the table does not list: a programming error, never a member's input. */
  public static final class RefusedMove extends IllegalStateException {
    RefusedMove(MemberState from, MemberState to, Actor by) {
      super("journey move " + from + " -> " + to + " by " + by + " is not in the transition table");
    }
  }
}
