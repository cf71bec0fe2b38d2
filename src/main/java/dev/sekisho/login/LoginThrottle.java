package dev.sekisho.login;

import dev.sekisho.member.Member;
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
 * Failure counters in PostgreSQL, so every gateway process enforces the same limits. It is the one
 * guessing limit of the gateway: passwords and birthdates ({@code id:<login id>}), second-factor
 * codes of every kind ({@code otp:<member id>}), and the client address for all of them
 * ({@code ip:<address>}). Each change is one statement: two processes counting the same failure at
 * once both count.
 *
 * <p>Two brakes: a hard lock once {@code max} failures fall in the window, and before that an
 * exponential back-off: once a subject has more than {@code backoffAfter} failures, each further
 * failure sets a wait (base, 2 x base, 4 x base ... capped) during which an attempt is refused
 * without being evaluated (and without being counted), exactly like a lock. Waits are short next
 * to a lock; they make scripted guessing slow long before the lock (and the address limit, whose
 * threshold is much higher) is reached.
 *
 * <p>A third brake bounds guessing in total (NIST SP 800-63B 5.2.2): the guesses at one account
 * ({@code id:} and {@code otp:} subjects) also count in a streak that only a success ends. When the
 * streak reaches {@code holdAfter} the subject is held: blocked with no end, until a success
 * through another path deletes the row (a recovery code or a passkey for the second step) or the
 * insurer unlocks it. Client addresses and mail sends are never held: many members share an
 * address, and a send is not a guess.
 */
public final class LoginThrottle {
  /** Back-off shape: free failures before waits start, the first wait, the longest wait. */
  public record Backoff(int after, Duration base, Duration max) {
    public static final Backoff DEFAULT = new Backoff(3, Duration.ofSeconds(30), Duration.ofMinutes(15));
  }

  /** The limit on one client address, shared by every guessing point (password, birthdate, codes). */
  public record AddressLimit(int max, Duration window, Duration lock, int backoffAfter) {
    public static final AddressLimit DEFAULT = new AddressLimit(50, Duration.ofMinutes(15), Duration.ofMinutes(15), 20);
  }

  private final Pool pool;
  private final Backoff backoff;
  private final AddressLimit addressLimit;
  private final int holdAfter;

  /** The default bound on consecutive failures at one account (the most NIST SP 800-63B allows). */
  public static final int DEFAULT_HOLD_AFTER = 100;

  public LoginThrottle(Pool pool) {
    this(pool, Backoff.DEFAULT, AddressLimit.DEFAULT, DEFAULT_HOLD_AFTER);
  }

  /** @param holdAfter consecutive failures without a success that hold an account's subject until unlocked */
  public LoginThrottle(Pool pool, Backoff backoff, AddressLimit addressLimit, int holdAfter) {
    this.pool = pool;
    this.backoff = backoff;
    this.addressLimit = addressLimit;
    this.holdAfter = holdAfter;
  }

  /** Counts one wrong guess of any kind from this client address; true when the address is now held back. */
  public Future<Boolean> recordAddressFailure(String ip) {
    return count(ipSubject(ip), addressLimit.max(), addressLimit.window(), addressLimit.lock(), addressLimit.backoffAfter(), 0);
  }

  public static String otpSubject(long memberId) {
    return "otp:" + memberId;
  }

  public static String idSubject(String loginId) {
    return "id:" + loginId;
  }

  public static String ipSubject(String ip) {
    return "ip:" + ip;
  }

  /** SQL condition: the row is locked or waiting now, a cooling-off that ends by itself. */
  public static final String COOLING = "(locked_until > now() or wait_until > now())";

  /** SQL condition: the row (alias t or the table) is cooling off or held; other statements embed it. */
  public static final String BLOCKED = "(" + COOLING + " or held_since is not null)";

  /** Whether any of the subjects is locked, in a back-off wait or held now. */
  public Future<Boolean> anyLocked(List<String> subjects) {
    return exists(subjects, BLOCKED);
  }

  /**
   * Whether any of the subjects is locked or held now, a back-off wait not counted: what the
   * member is told of by mail (a wait of seconds is no lock worth a mail).
   */
  public Future<Boolean> anyLockedOrHeld(List<String> subjects) {
    return exists(subjects, "(locked_until > now() or held_since is not null)");
  }

  /**
   * Whether any of the subjects is locked or in a back-off wait now, a hold not counted: for the
   * paths that end a hold (recovery codes), which stay rate-limited by the lock and the back-off.
   */
  public Future<Boolean> anyCooling(List<String> subjects) {
    return exists(subjects, COOLING);
  }

  private Future<Boolean> exists(List<String> subjects, String condition) {
    return pool.preparedQuery("select " + anySubject(condition))
        .execute(Tuple.of(subjects.toArray(String[]::new)))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** SQL: whether a row of a subject in the text array $1 meets the condition (COOLING or BLOCKED) now. */
  private static String anySubject(String condition) {
    return "exists (select 1 from login_throttle where subject = any($1) and " + condition + ")";
  }

  /** Whether a subject is blocked, and the member with the login ID (null: none). */
  public record LockedMember(boolean locked, Member member) {}

  /**
   * {@link #anyLocked} and the member with this login ID (none when loginId is null) in one round
   * trip: the login path reads both before every password check.
   */
  public Future<LockedMember> anyLockedAndMember(List<String> subjects, String loginIdOrNull) {
    return pool.preparedQuery("select " + anySubject(BLOCKED) + " as locked, " + Member.COLUMNS + " from (values (1)) as one (x) left join member on login_id = $2")
        .execute(Tuple.of(subjects.toArray(String[]::new), loginIdOrNull))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new LockedMember(row.getBoolean("locked"), Member.from(row));
        });
  }

  /**
   * Counts one wrong guess at an account (a user ID or a member's second step). The count restarts
   * when the window has passed or a lock has run out; when it reaches max, the subject is locked for
   * lock. Past the back-off threshold, the failure also sets a doubling wait. The streak of failures
   * since the last success does not restart: at {@code holdAfter} the subject is held.
   *
   * @return true when this failure locked or held the subject. A wait it started is not reported:
   *     this guess was simply wrong; the next one, if it comes too soon, is refused as locked.
   */
  public Future<Boolean> recordFailure(String subject, int max, Duration window, Duration lock) {
    return count(subject, max, window, lock, backoff.after(), holdAfter);
  }

  /** Counts one failure of a subject that is never held (a mail send): lock and back-off only. */
  public Future<Boolean> recordFailure(String subject, int max, Duration window, Duration lock, int backoffAfter) {
    return count(subject, max, window, lock, backoffAfter, 0);
  }

  /** @param holdAfter the streak that holds the subject; 0: never held */
  private Future<Boolean> count(String subject, int max, Duration window, Duration lock, int backoffAfter, int holdAfter) {
    String fresh = "(t.window_start < now() - make_interval(secs => $3) or t.locked_until <= now())";
    String count = "(case when " + fresh + " then 1 else t.failures + 1 end)";
    // held_since = now() (the statement's time) only when this very failure set it: a wrong recovery
    // code of a member already held is answered as wrong, not as a new lock.
    String sql = """
        insert into login_throttle as t (subject, failures, window_start, locked_until, wait_until, streak, held_since)
        values ($1, 1, now(), case when 1 >= $2 then now() + make_interval(secs => $4) end,
                case when 1 > $5::int then now() + make_interval(secs => least($7::float8, $6::float8)) end,
                1, case when $8::int > 0 and 1 >= $8::int then now() end)
        on conflict (subject) do update set
          failures = COUNT,
          window_start = case when FRESH then now() else t.window_start end,
          locked_until = case
              when t.locked_until > now() then t.locked_until
              when COUNT >= $2 then now() + make_interval(secs => $4)
              else null end,
          wait_until = case
              when COUNT > $5::int then now() + make_interval(secs => least($7::float8, $6::float8 * power(2, COUNT - $5::int - 1)))
              else null end,
          streak = t.streak + 1,
          held_since = coalesce(t.held_since, case when $8::int > 0 and t.streak + 1 >= $8::int then now() end)
        returning (locked_until is not null and locked_until > now()) or coalesce(held_since = now(), false)
        """.replace("COUNT", count).replace("FRESH", fresh);
    return pool.preparedQuery(sql)
        .execute(Tuple.of(subject, max, (double) window.toSeconds(), (double) lock.toSeconds(), backoffAfter,
            (double) backoff.base().toSeconds(), (double) backoff.max().toSeconds(), holdAfter))
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
    return pool.preparedQuery("select failures, locked_until, wait_until, streak, held_since from login_throttle where subject = $1")
        .execute(Tuple.of(subject))
        .map(rows -> {
          if (rows.size() == 0) {
            return new JsonObject().put("failures", 0).put("consecutiveFailures", 0).put("locked", false).put("held", false);
          }
          Row row = rows.iterator().next();
          return describe(row.getInteger(0), row.getOffsetDateTime(1), row.getOffsetDateTime(2), row.getInteger(3),
              row.getOffsetDateTime(4));
        });
  }

  /** Every subject locked now. */
  public Future<JsonArray> locked() {
    return pool.query("select subject, failures, locked_until, wait_until, streak, held_since from login_throttle where " + BLOCKED
        + " order by greatest(locked_until, wait_until) desc limit 1000")
        .execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(describe(row.getInteger(1), row.getOffsetDateTime(2), row.getOffsetDateTime(3), row.getInteger(4),
                row.getOffsetDateTime(5)).put("subject", row.getString(0)));
          }
          return out;
        });
  }

  private static JsonObject describe(int failures, OffsetDateTime lockedUntil, OffsetDateTime waitUntil, int streak,
                                      OffsetDateTime heldSince) {
    OffsetDateTime now = OffsetDateTime.now();
    boolean locked = lockedUntil != null && lockedUntil.isAfter(now);
    boolean waiting = waitUntil != null && waitUntil.isAfter(now);
    boolean held = heldSince != null;
    JsonObject out = new JsonObject().put("failures", failures).put("consecutiveFailures", streak)
        .put("locked", locked || waiting || held).put("held", held);
    // Why the subject is refused now, strongest first: staff answering "why can't I log in?" read this.
    out.put("reason", held ? "consecutive_failures_bound" : locked ? "too_many_failures" : waiting ? "backoff_wait" : null);
    if (held) {
      out.put("heldSince", heldSince.toString());
    }
    if (locked) {
      out.put("lockedUntil", lockedUntil.toString());
    }
    if (waiting) {
      out.put("waitUntil", waitUntil.toString());
    }
    return out;
  }
}
