package dev.sekisho.login;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Failure counters in PostgreSQL, so every gateway process enforces the same limits. A subject is
 * {@code id:<login id>} or {@code ip:<address>}. Each change is one statement: two processes
 * counting the same failure at once both count.
 */
public final class LoginThrottle {
  private final Pool pool;

  public LoginThrottle(Pool pool) {
    this.pool = pool;
  }

  public static String idSubject(String loginId) {
    return "id:" + loginId;
  }

  public static String ipSubject(String ip) {
    return "ip:" + ip;
  }

  /** Whether any of the subjects is locked now. */
  public Future<Boolean> anyLocked(List<String> subjects) {
    return pool.preparedQuery("select exists (select 1 from login_throttle where subject = any($1) and locked_until > now())")
        .execute(Tuple.of(subjects.toArray(String[]::new)))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /**
   * Counts one failure. The count restarts when the window has passed or a lock has run out; when
   * it reaches max, the subject is locked for lock.
   *
   * @return true when the subject is locked after this failure
   */
  public Future<Boolean> recordFailure(String subject, int max, Duration window, Duration lock) {
    String sql = """
        insert into login_throttle as t (subject, failures, window_start, locked_until)
        values ($1, 1, now(), case when 1 >= $2 then now() + make_interval(secs => $4) end)
        on conflict (subject) do update set
          failures = case when t.window_start < now() - make_interval(secs => $3) or t.locked_until <= now()
                          then 1 else t.failures + 1 end,
          window_start = case when t.window_start < now() - make_interval(secs => $3) or t.locked_until <= now()
                              then now() else t.window_start end,
          locked_until = case
              when t.locked_until > now() then t.locked_until
              when (case when t.window_start < now() - make_interval(secs => $3) or t.locked_until <= now()
                         then 1 else t.failures + 1 end) >= $2 then now() + make_interval(secs => $4)
              else null end
        returning locked_until is not null and locked_until > now()
        """;
    return pool.preparedQuery(sql)
        .execute(Tuple.of(subject, max, (double) window.toSeconds(), (double) lock.toSeconds()))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  public Future<Void> clear(String subject) {
    return pool.preparedQuery("delete from login_throttle where subject = $1").execute(Tuple.of(subject)).mapEmpty();
  }

  /** Removes a lock and its count; true when there was something to remove. */
  public Future<Boolean> unlock(String subject) {
    return pool.preparedQuery("delete from login_throttle where subject = $1").execute(Tuple.of(subject))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The subject's state for the insurer: failures counted and lock end, or null. */
  public Future<JsonObject> status(String subject) {
    return pool.preparedQuery("select failures, locked_until from login_throttle where subject = $1")
        .execute(Tuple.of(subject))
        .map(rows -> {
          if (rows.size() == 0) {
            return new JsonObject().put("failures", 0).put("locked", false);
          }
          Row row = rows.iterator().next();
          return describe(row.getInteger(0), row.getOffsetDateTime(1));
        });
  }

  /** Every subject locked now. */
  public Future<JsonArray> locked() {
    return pool.query("select subject, failures, locked_until from login_throttle where locked_until > now() order by locked_until desc limit 1000")
        .execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(describe(row.getInteger(1), row.getOffsetDateTime(2)).put("subject", row.getString(0)));
          }
          return out;
        });
  }

  private static JsonObject describe(int failures, OffsetDateTime lockedUntil) {
    boolean locked = lockedUntil != null && lockedUntil.isAfter(OffsetDateTime.now());
    JsonObject out = new JsonObject().put("failures", failures).put("locked", locked);
    if (locked) {
      out.put("lockedUntil", lockedUntil.toString());
    }
    return out;
  }
}
