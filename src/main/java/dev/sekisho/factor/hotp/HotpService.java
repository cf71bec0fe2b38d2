package dev.sekisho.factor.hotp;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.code.CodeInput;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.factor.recovery.MethodActivation;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Method;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * HOTP (RFC 4226) hardware tokens assigned by the insurer. The stored counter is the next value
 * expected; a code is searched in [counter, counter + window) and, when found at c, the counter
 * becomes c + 1 in one conditional UPDATE ({@code where counter = $expected}), so a code passes once
 * and two racing checks cannot both pass. A token pressed more often than the window is
 * re-synchronised with two consecutive codes searched much further ahead.
 */
public final class HotpService {
  /** How far ahead re-synchronisation looks (RFC 4226 section 7.4 suggests a larger window for it). */
  static final int RESYNC_WINDOW = 1000;

  private final Pool pool;
  private final SecretBox box;
  private final OtpSettings settings;
  private final SecondStepLimit limit;
  private final MethodActivation activation;
  /** This verticle's group commit of the deciding write (HotpCheckBatch); with batching off, each check alone. */
  private final GroupCommit<Tuple, HotpCheckBatch.Decided> checks;

  public HotpService(Pool pool, SecretBox box, OtpSettings settings, SecondStepLimit limit, MethodActivation activation,
                     Batching batching) {
    this.checks = batching.of("hotp", new HotpCheckBatch(pool));
    this.pool = pool;
    this.box = box;
    this.settings = settings;
    this.limit = limit;
    this.activation = activation;
  }

  public enum AssignResult { ASSIGNED, SERIAL_IN_USE }

  /** Assigns a token; member_method gets its row in the same transaction. */
  public Future<AssignResult> assign(long memberId, String serial, byte[] secret, long counter, OtpAlgorithm algorithm, int digits) {
    byte[] sealed = box.seal(secret, context(memberId));
    return pool.withTransaction(tx -> tx.preparedQuery("select 1 from otp_hotp where serial = $1 and member_id <> $2")
        .execute(Tuple.of(serial, memberId)).compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture(AssignResult.SERIAL_IN_USE);
          }
          return tx.preparedQuery("insert into otp_hotp (member_id, serial, key_id, secret, algorithm, digits, counter) "
                  + "values ($1, $2, $3, $4, $5, $6, $7) on conflict (member_id) do update set serial = excluded.serial, "
                  + "key_id = excluded.key_id, secret = excluded.secret, algorithm = excluded.algorithm, "
                  + "digits = excluded.digits, counter = excluded.counter, created_at = now(), last_used_at = null")
              .execute(Tuple.of(memberId, serial, box.activeKeyId(), Buffer.buffer(sealed), algorithm.name(), digits, counter))
              .compose(v -> activation.activate(tx, memberId, Method.HOTP, null))
              .map(v -> AssignResult.ASSIGNED);
        }));
  }

  /** Unassigns the member's token; false when there was none. */
  public Future<Boolean> unassign(long memberId) {
    return pool.withTransaction(tx -> tx.preparedQuery("select 1 from otp_hotp where member_id = $1").execute(Tuple.of(memberId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : HotpFactor.deleteToken(tx, memberId).compose(v -> MethodActivation.forget(tx, memberId, Method.HOTP)).map(true)));
  }

  /** The login check. */
  public Future<CheckResult> verify(long memberId, String typed) {
    return withToken(memberId, token -> {
      String code = CodeInput.digits(typed, token.digits());
      long found = code == null ? -1
          : search(token.secret(), token.algorithm(), token.digits(), token.counter(), settings.hotpWindow(), Integer.parseInt(code));
      return found < 0 ? limit.fail(memberId) : advanceAndClear(memberId, token.counter(), found + 1);
    });
  }

  /**
   * Re-synchronises a token that ran ahead of the window: two consecutive codes (first, then the
   * next press) found at c and c+1 within RESYNC_WINDOW move the counter to c + 2. This is a
   * successful second-factor check.
   */
  public Future<CheckResult> resync(long memberId, String first, String second) {
    return withToken(memberId, token -> {
      String a = CodeInput.digits(first, token.digits());
      String b = CodeInput.digits(second, token.digits());
      if (a == null || b == null) {
        return limit.fail(memberId);
      }
      int codeA = Integer.parseInt(a);
      int codeB = Integer.parseInt(b);
      for (long c = token.counter(); c < token.counter() + RESYNC_WINDOW; c++) {
        if (token.algorithm().code(token.secret(), c, token.digits()) == codeA
            && token.algorithm().code(token.secret(), c + 1, token.digits()) == codeB) {
          return advanceAndClear(memberId, token.counter(), c + 2);
        }
      }
      return limit.fail(memberId);
    });
  }

  /** A member's token as stored, its secret opened. */
  private record Token(byte[] secret, OtpAlgorithm algorithm, int digits, long counter) {
  }

  /**
   * The lock read and the token read in one round trip: whether the second step is locked
   * ({@link LoginThrottle#BLOCKED}, as {@link SecondStepLimit#locked}) beside the member's token row,
   * or nulls when none is assigned. The deciding write (HotpCheckBatch) reads the lock again.
   */
  static final String TOKEN = """
      select exists (select 1 from login_throttle where subject = $2 and %s), o.key_id, o.secret, o.algorithm, o.digits, o.counter
      from (values (1)) as one (x) left join otp_hotp o on o.member_id = $1
      """.formatted(LoginThrottle.BLOCKED);

  /** Runs check on the member's token unless the second step is locked or no token is assigned. */
  private Future<CheckResult> withToken(long memberId, java.util.function.Function<Token, Future<CheckResult>> check) {
    return pool.preparedQuery(TOKEN).execute(Tuple.of(memberId, SecondStepLimit.subject(memberId))).compose(rows -> {
      Row row = rows.iterator().next();
      if (row.getBoolean(0)) {
        return Future.succeededFuture(CheckResult.LOCKED);
      }
      if (row.getString(1) == null) {
        return Future.succeededFuture(CheckResult.NOT_SET_UP);
      }
      return check.apply(new Token(box.open(row.getString(1), row.getBuffer(2).getBytes(), context(memberId)),
          OtpAlgorithm.valueOf(row.getString(3)), row.getInteger(4), row.getLong(5)));
    });
  }

  /**
   * The counter moves past the accepted code, unless another check moved it first (then this one
   * fails), and the failures are cleared: one statement (HotpCheckBatch), shared with the checks
   * arriving together. A lock set since it was read refuses the check as locked.
   */
  private Future<CheckResult> advanceAndClear(long memberId, long expected, long next) {
    return checks.submit(Tuple.of(memberId, SecondStepLimit.subject(memberId), expected, next))
        .compose(decided -> decided.locked() ? Future.succeededFuture(CheckResult.LOCKED)
            : decided.advanced() ? Future.succeededFuture(CheckResult.OK) : limit.fail(memberId));
  }

  private static long search(byte[] secret, OtpAlgorithm algorithm, int digits, long counter, int window, int code) {
    long found = -1;
    for (long c = counter + window - 1; c >= counter; c--) {
      if (algorithm.code(secret, c, digits) == code) {
        found = c;
      }
    }
    return found;
  }

  public static String context(long memberId) {
    return "hotp:" + memberId;
  }
}
