package dev.sekisho.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads of the audit log: the member's own recent logins and the insurer's filtered search. */
public final class AuditQuery {
  private final Pool pool;

  public AuditQuery(Pool pool) {
    this.pool = pool;
  }

  /**
   * A filter for the insurer; null fields do not filter. A user ID matches events of that member
   * and events that name the ID without a member (a login with an ID nobody has). {@code kind}
   * ending in "." matches a family ("login.").
   */
  public record Filter(String loginId, String kind, String outcome, OffsetDateTime from, OffsetDateTime to) {
  }

  /** The member's last login events (every step of every login: password and second factor), newest first. */
  public Future<List<JsonObject>> recentLogins(long memberId, int limit) {
    return pool.preparedQuery("select id, at, login_id, kind, outcome, ip, user_agent, detail from audit_event "
            + "where member_id = $1 and kind like 'login.%' order by at desc, id desc limit $2")
        .execute(Tuple.of(memberId, limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(row -> out.add(describe(row)));
          return out;
        });
  }

  /** One page of events, newest first, and whether more follow. */
  public Future<JsonObject> search(Filter filter, int page, int size) {
    return search(filter, null, page, size);
  }

  /** As above, also only the events of one staff member's console actions ({@code detail.staff}), when given. */
  public Future<JsonObject> search(Filter filter, String staffOrNull, int page, int size) {
    String sql = """
        select id, at, login_id, kind, outcome, ip, user_agent, detail, member_id from audit_event
        where ($1::text is null or login_id = $1
               or member_id = (select id from member where login_id = $1))
          and ($2::text is null or kind = $2 or (right($2, 1) = '.' and starts_with(kind, $2)))
          and ($3::text is null or outcome = $3)
          and ($4::timestamptz is null or at >= $4)
          and ($5::timestamptz is null or at < $5)
          and ($8::text is null or detail->>'staff' = $8)
        order by at desc, id desc limit $6 offset $7
        """;
    Tuple args = Tuple.of(filter.loginId(), filter.kind(), filter.outcome(), filter.from(), filter.to(), size + 1,
        (long) (page - 1) * size).addString(staffOrNull);
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray events = new JsonArray();
      for (Row row : rows) {
        if (events.size() < size) {
          events.add(describe(row).put("memberId", row.getLong("member_id")));
        }
      }
      return new JsonObject().put("page", page).put("size", size).put("events", events)
          .put("more", rows.size() > size);
    });
  }

  private static JsonObject describe(Row row) {
    Object detail = row.getValue("detail");
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("at", row.getOffsetDateTime("at").toString())
        .put("userId", row.getString("login_id"))
        .put("kind", row.getString("kind"))
        .put("outcome", row.getString("outcome"))
        .put("ip", row.getString("ip"))
        .put("userAgent", row.getString("user_agent"))
        .put("detail", detail instanceof JsonObject o ? o : new JsonObject());
  }
}
