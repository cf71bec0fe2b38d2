package dev.sekisho.factor;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Removes every second factor of a member, inside the caller's transaction (the insurer's "reset
 * factors": the member sets a method up again at the next login). Each factor package adds the
 * deletion of its own credentials here, before the member_method rows go.
 */
public final class FactorReset {
  private FactorReset() {}

  /** @return how many methods the member had set up */
  public static Future<Integer> resetAll(SqlConnection tx, long memberId) {
    return tx.preparedQuery("delete from member_method where member_id = $1").execute(Tuple.of(memberId))
        .map(rows -> rows.rowCount());
  }
}
