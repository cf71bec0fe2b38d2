package dev.sekisho.factor.totp;

import dev.sekisho.factor.Activation;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.CodeInput;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.recovery.MethodActivation;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodUse;
import dev.sekisho.factor.SecondFactor;
import io.vertx.core.Future;
import io.vertx.ext.auth.otp.OtpKey;
import io.vertx.ext.auth.otp.OtpKeyGenerator;
import io.vertx.ext.auth.otp.totp.TotpAuth;
import io.vertx.ext.auth.otp.totp.TotpAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TOTP (RFC 6238) for authenticator apps: set-up with a pending key (J2.4-J2.6) and the check at
 * each login (J3.1). vertx-auth-otp generates keys and otpauth URIs; the check is the project's:
 * the key's own algorithm, one step of skew each way, and replay refused by advancing last_step in
 * one conditional UPDATE ({@code last_step < $n}), so two requests, on any two processes, cannot both
 * pass with one code.
 *
 * <p>Hot path: the opened key is cached per member with its credential id; a check is then ONE
 * statement that reads the lock, compares the credential id and advances the step; checks arriving
 * together share one such statement and commit ({@link TotpCheckBatch}). A re-created key
 * (new credential id, on any process) shows as a mismatch and the key is reloaded.
 */
public final class TotpService {
  private static final int DIGITS = 6;
  private static final int CACHE_LIMIT = 200_000;
  /** The one statement of a check by the pages and the API's ordinary path (TotpApiCheck has its own). */
  static final String CHECK = """
      with lock as (select exists (select 1 from login_throttle where subject = $2 and %s) as locked),
      t as (select credential_id from otp_totp where member_id = $1),
      u as (update otp_totp set last_step = $4, last_used_at = now()
            where member_id = $1 and credential_id = $3 and last_step < $4 and not (select locked from lock)
            returning 1),
      %s,
      c as (delete from login_throttle where subject = $2 and exists (select 1 from u))
      select (select locked from lock), (select credential_id from t), exists (select 1 from u)
      """.formatted(LoginThrottle.BLOCKED, MethodUse.ctes(Method.TOTP, "exists (select 1 from u)"));

  private final Pool pool;
  private final SecretBox box;
  private final OtpSettings settings;
  private final SecondStepLimit limit;
  private final MethodActivation activation;
  private final Clock clock;
  private final TotpAuth uris;
  private final OtpKeyGenerator generator = OtpKeyGenerator.create();
  /** Shared by the process's verticles (OtpCaches). */
  private final ConcurrentHashMap<Long, Key> cache;
  /** This verticle's group commit of CHECK (TotpCheckBatch); with batching off, each check alone. */
  private final GroupCommit<Tuple, TotpCheckBatch.Decided> checks;

  /** An opened key. */
  public record Key(long credentialId, byte[] secret, OtpAlgorithm algorithm, int digits, int period) {}

  /** A key waiting for its first code: the base32 text and the otpauth URI. */
  public record Pending(String base32, String uri) {}

  /** Result of a set-up attempt; recoveryCodes is non-empty only for the member's first method. */
  public TotpService(Pool pool, SecretBox box, OtpSettings settings, SecondStepLimit limit, MethodActivation activation,
                     Clock clock, ConcurrentHashMap<Long, Key> cache, Batching batching) {
    this.cache = cache;
    this.checks = batching.of("totp", new TotpCheckBatch(pool));
    this.pool = pool;
    this.box = box;
    this.settings = settings;
    this.limit = limit;
    this.activation = activation;
    this.clock = clock;
    this.uris = TotpAuth.create(new TotpAuthOptions().setPeriod(settings.totpPeriod()).setPasswordLength(DIGITS));
  }

  /** The member's pending key, created on first call (a reload shows the same key). */
  public Future<Pending> pending(long memberId, String loginId) {
    return pool.preparedQuery("select key_id, secret from otp_totp_pending where member_id = $1").execute(Tuple.of(memberId))
        .compose(rows -> {
          if (rows.size() == 1) {
            Row row = rows.iterator().next();
            byte[] secret = box.open(row.getString(0), row.getBuffer(1).getBytes(), pendingContext(memberId));
            return Future.succeededFuture(describe(secret, loginId));
          }
          return renew(memberId, loginId);
        });
  }

  /** A new pending key, replacing any earlier one (re-creation from the account page). */
  public Future<Pending> renew(long memberId, String loginId) {
    // vertx-auth-otp's generator: a JCA KeyGenerator backed by the platform CSPRNG, 160 bits.
    OtpKey key = generator.generate(160);
    byte[] secret = key.getKeyBytes();
    byte[] sealed = box.seal(secret, pendingContext(memberId));
    return pool.preparedQuery("insert into otp_totp_pending (member_id, key_id, secret) values ($1, $2, $3) "
            + "on conflict (member_id) do update set key_id = excluded.key_id, secret = excluded.secret, created_at = now()")
        .execute(Tuple.of(memberId, box.activeKeyId(), io.vertx.core.buffer.Buffer.buffer(sealed)))
        .map(v -> describe(secret, loginId));
  }

  private Pending describe(byte[] secret, String loginId) {
    String base32 = Base32Text.encode(secret);
    String uri = uris.generateUri(new OtpKey().setKey(base32).setAlgorithm("SHA1"), settings.issuer(), loginId)
        // The library form-encodes (space as '+'); otpauth labels want %20.
        .replace("+", "%20");
    if (!uri.contains("&digits=")) {
      // The library leaves out the default 6; some apps read only what is written.
      uri = uri.replace("&period=", "&digits=" + DIGITS + "&period=");
    }
    return new Pending(base32, uri);
  }

  /**
   * Activates the pending key when the typed code is valid now (±skew). In one transaction: the key
   * becomes the member's TOTP credential (with the step used, so that code cannot log in again),
   * member_method and onboarding state follow, recovery codes are issued for a first method.
   */
  public Future<Activation> activate(long memberId, String typed, SecondFactor replaced) {
    String code = CodeInput.digits(typed, DIGITS);
    return limit.locked(memberId).compose(locked -> {
      if (locked) {
        return Future.succeededFuture(new Activation(CheckResult.LOCKED, List.of()));
      }
      return pool.withTransaction(tx -> tx.preparedQuery("select key_id, secret from otp_totp_pending where member_id = $1 for update")
          .execute(Tuple.of(memberId)).compose(rows -> {
            if (rows.size() == 0) {
              return Future.succeededFuture(new Activation(CheckResult.NOT_SET_UP, List.of()));
            }
            Row row = rows.iterator().next();
            byte[] secret = box.open(row.getString(0), row.getBuffer(1).getBytes(), pendingContext(memberId));
            long step = code == null ? -1 : matchingStep(secret, OtpAlgorithm.SHA1, DIGITS, settings.totpPeriod(), code);
            if (step < 0) {
              return Future.succeededFuture(new Activation(CheckResult.INVALID, List.of()));
            }
            byte[] sealed = box.seal(secret, context(memberId));
            return tx.preparedQuery("delete from otp_totp where member_id = $1").execute(Tuple.of(memberId))
                .compose(v -> tx.preparedQuery("insert into otp_totp (member_id, key_id, secret, algorithm, digits, period, last_step) "
                        + "values ($1, $2, $3, 'SHA1', $4, $5, $6)")
                    .execute(Tuple.of(memberId, box.activeKeyId(), io.vertx.core.buffer.Buffer.buffer(sealed), DIGITS,
                        settings.totpPeriod(), step)))
                .compose(v -> tx.preparedQuery("delete from otp_totp_pending where member_id = $1").execute(Tuple.of(memberId)))
                .compose(v -> activation.activateByMember(tx, memberId, Method.TOTP, replaced))
                .map(codes -> new Activation(CheckResult.OK, codes));
          }))
          .compose(result -> {
            cache.remove(memberId);
            if (result.result() == CheckResult.INVALID) {
              return limit.fail(memberId).map(r -> new Activation(r, List.of()));
            }
            return result.result() == CheckResult.OK ? limit.clear(memberId).map(result) : Future.succeededFuture(result);
          });
    });
  }

  /**
   * Installs a known key as the member's active TOTP credential (keys carried over from another
   * system, and the RFC 6238 vectors in tests: any algorithm, 6-8 digits).
   */
  public Future<Void> install(long memberId, byte[] secret, OtpAlgorithm algorithm, int digits, int period) {
    byte[] sealed = box.seal(secret, context(memberId));
    cache.remove(memberId);
    return pool.withTransaction(tx -> tx.preparedQuery("delete from otp_totp where member_id = $1").execute(Tuple.of(memberId))
        .compose(v -> tx.preparedQuery("insert into otp_totp (member_id, key_id, secret, algorithm, digits, period) values ($1, $2, $3, $4, $5, $6)")
            .execute(Tuple.of(memberId, box.activeKeyId(), io.vertx.core.buffer.Buffer.buffer(sealed), algorithm.name(), digits, period)))
        .compose(v -> activation.activate(tx, memberId, Method.TOTP, null))).mapEmpty();
  }

  /** The login check (J3.1). */
  public Future<CheckResult> verify(long memberId, String typed) {
    Key key = cache.get(memberId);
    if (key == null) {
      return load(memberId).compose(loaded -> loaded == null ? Future.succeededFuture(CheckResult.NOT_SET_UP)
          : verify(memberId, typed, loaded, false));
    }
    return verify(memberId, typed, key, true);
  }

  private Future<CheckResult> verify(long memberId, String typed, Key key, boolean cached) {
    String code = CodeInput.digits(typed, key.digits());
    long step = code == null ? -1 : matchingStep(key.secret(), key.algorithm(), key.digits(), key.period(), code);
    return checks.submit(Tuple.of(memberId, SecondStepLimit.subject(memberId), key.credentialId(), step < 0 ? null : step))
        .compose(decided -> {
          boolean locked = decided.locked();
          Long credential = decided.credentialId();
          boolean advanced = decided.advanced();
          if (locked) {
            return Future.succeededFuture(CheckResult.LOCKED);
          }
          if (credential == null) {
            cache.remove(memberId);
            return Future.succeededFuture(CheckResult.NOT_SET_UP);
          }
          if (credential != key.credentialId()) {
            // Re-created elsewhere: this process's cached key is stale. Reload once and check again.
            cache.remove(memberId);
            return cached ? load(memberId).compose(k -> k == null ? Future.succeededFuture(CheckResult.NOT_SET_UP)
                : verify(memberId, typed, k, false)) : limit.fail(memberId);
          }
          return advanced ? Future.succeededFuture(CheckResult.OK) : limit.fail(memberId);
        });
  }

  private Future<Key> load(long memberId) {
    return pool.preparedQuery("select " + KEY_COLUMNS + " from otp_totp t where t.member_id = $1")
        .execute(Tuple.of(memberId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          return opened(memberId, rows.iterator().next(), 0);
        });
  }

  /**
   * Opens a key from a row holding credential_id, key_id, secret, algorithm, digits, period from
   * column {@code first} on, and keeps it for the member's next checks.
   */
  Key opened(long memberId, Row row, int first) {
    byte[] secret = box.open(row.getString(first + 1), row.getBuffer(first + 2).getBytes(), context(memberId));
    Key key = new Key(row.getLong(first), secret, OtpAlgorithm.valueOf(row.getString(first + 3)), row.getInteger(first + 4),
        row.getInteger(first + 5));
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(memberId, key);
    return key;
  }

  /** The member's key if this process holds it opened. */
  Key cached(long memberId) {
    return cache.get(memberId);
  }

  /** Loads and keeps the member's key ahead of a check, when it is not held yet (answers whether the member has one). */
  public Future<Boolean> prefetch(long memberId) {
    return cache.containsKey(memberId) ? Future.succeededFuture(true) : load(memberId).map(k -> k != null);
  }

  /** Columns {@link #opened} reads, for statements that fetch a key together with something else. */
  static final String KEY_COLUMNS = "t.credential_id, t.key_id, t.secret, t.algorithm, t.digits, t.period";

  public Future<Boolean> has(long memberId) {
    return pool.preparedQuery("select 1 from otp_totp where member_id = $1").execute(Tuple.of(memberId)).map(r -> r.size() == 1);
  }

  /**
   * The time step within ±skew whose code equals the typed one, the latest if several; -1 if none.
   * Codes are compared as ints after formatting; the loop always runs every step (no early exit
   * that would time which step matched).
   */
  long matchingStep(byte[] secret, OtpAlgorithm algorithm, int digits, int period, String code) {
    long now = Math.floorDiv(clock.millis() / 1000, period);
    int typed = Integer.parseInt(code);
    long found = -1;
    for (long s = now - settings.totpSkew(); s <= now + settings.totpSkew(); s++) {
      if (algorithm.code(secret, s, digits) == typed) {
        found = s;
      }
    }
    return found;
  }

  public static String context(long memberId) {
    return "totp:" + memberId;
  }

  public static String pendingContext(long memberId) {
    return "totp-pending:" + memberId;
  }

  /** For the rotation job and tests. */
  void forget(long memberId) {
    cache.remove(memberId);
  }

}
