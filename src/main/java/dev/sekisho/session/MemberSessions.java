package dev.sekisho.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Ends every session of a member. Sessions live only in PostgreSQL and every request reads its
 * session from there, so this takes effect on the next request in every gateway process.
 */
public final class MemberSessions {
  private MemberSessions() {}

  /** @return how many sessions were ended */
  public static Future<Integer> endAll(SqlClient client, long memberId) {
    return client.preparedQuery("delete from http_session where member_id = $1").execute(Tuple.of(memberId))
        .map(rows -> rows.rowCount());
  }

  /**
   * Ends every session of the member but the one whose id is given (the member's own, asking from
   * it): "sign me out everywhere else".
   *
   * @return how many sessions were ended
   */
  public static Future<Integer> endOthers(SqlClient client, long memberId, String keptSessionId) {
    return client.preparedQuery("delete from http_session where member_id = $1 and id_hash <> $2")
        .execute(Tuple.of(memberId, io.vertx.core.buffer.Buffer.buffer(PgSessionStore.idHash(keptSessionId))))
        .map(rows -> rows.rowCount());
  }

  /** Sessions of the member that are still alive. */
  public static Future<Integer> countActive(SqlClient client, long memberId) {
    return client.preparedQuery("select count(*) from http_session where member_id = $1 and expires_at > now()")
        .execute(Tuple.of(memberId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }
}
