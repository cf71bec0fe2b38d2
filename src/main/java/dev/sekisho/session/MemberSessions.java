package dev.sekisho.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

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

  /** One live session of a member as their list shows it; {@code current} is the one asking. */
  public record Live(long ref, OffsetDateTime startedAt, OffsetDateTime lastUsedAt, String userAgent, String address,
                     boolean current) {}

  /**
   * The member's live sessions, the one asking first, then the most recently used.
   *
   * @param currentId the id of the asking session (only its hash is compared)
   * @param absoluteSeconds the absolute timeout, as {@link PgSessionStore#live} needs it
   */
  public static Future<List<Live>> list(SqlClient client, long memberId, String currentId, double absoluteSeconds) {
    return client.preparedQuery("select ref, created_at, last_used_at, user_agent, client_address, id_hash = $2 "
            + "from http_session s where member_id = $1 and " + PgSessionStore.live("s", 3)
            + " order by (id_hash = $2) desc, last_used_at desc limit 50")
        .execute(Tuple.of(memberId, PgSessionStore.idHash(currentId), absoluteSeconds)).map(rows -> {
          List<Live> out = new ArrayList<>();
          for (Row row : rows) {
            out.add(new Live(row.getLong(0), row.getOffsetDateTime(1), row.getOffsetDateTime(2), row.getString(3),
                row.getString(4), row.getBoolean(5)));
          }
          return out;
        });
  }

  /**
   * Ends one of the member's other sessions (never the asking one: that is logging out).
   *
   * @return whether it was there to end
   */
  public static Future<Boolean> endOther(SqlClient client, long memberId, long ref, String currentId) {
    return client.preparedQuery("delete from http_session where member_id = $1 and ref = $2 and id_hash <> $3")
        .execute(Tuple.of(memberId, ref, PgSessionStore.idHash(currentId))).map(rows -> rows.rowCount() == 1);
  }

  /** Ends every session of the member but the asking one. @return how many were ended */
  public static Future<Integer> endAllOthers(SqlClient client, long memberId, String currentId) {
    return client.preparedQuery("delete from http_session where member_id = $1 and id_hash <> $2")
        .execute(Tuple.of(memberId, PgSessionStore.idHash(currentId))).map(rows -> rows.rowCount());
  }
}
