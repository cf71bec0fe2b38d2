package dev.sekisho.staff;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The staff table. Set-up links are random 256-bit tokens of which only the SHA-256 is stored, so
 * a copy of the database gives no way in; a link works once and for {@link #SETUP_VALID}.
 */
public final class StaffStore {
  public static final Duration SETUP_VALID = Duration.ofHours(72);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS = "id, name, role, active, password_hash is not null, last_login_at";

  private final SqlClient pool;

  public StaffStore(SqlClient pool) {
    this.pool = pool;
  }

  /** What a sign-in checks: null fields when the account is not set up. */
  public record Credentials(String passwordHash, String keyId, byte[] sealedKey, long lastStep, boolean active) {}

  /**
   * A new account with a fresh set-up token, or a failed future {@link Taken} when the ID exists.
   * An existing account that is not set up yet gets a new token instead (a lost link).
   */
  public Future<String> add(String id, String name, Role role, String createdBy) {
    String token = newToken();
    return pool.preparedQuery("""
            insert into staff (id, name, role, setup_token_hash, setup_expires_at, created_by)
            values ($1, $2, $3, $4, now() + make_interval(secs => $5), $6)
            on conflict (id) do update set setup_token_hash = excluded.setup_token_hash,
              setup_expires_at = excluded.setup_expires_at, role = excluded.role, name = excluded.name
              where staff.password_hash is null
            returning id""")
        .execute(Tuple.of(id, name, role.key(), Buffer.buffer(hash(token)), (double) SETUP_VALID.toSeconds(), createdBy))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new Taken()) : Future.succeededFuture(token));
  }

  public Future<StaffMember> find(String id) {
    return pool.preparedQuery("select " + COLUMNS + " from staff where id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  public Future<List<StaffMember>> list() {
    return pool.query("select " + COLUMNS + " from staff order by id").execute().map(rows -> {
      List<StaffMember> all = new ArrayList<>();
      rows.forEach(row -> all.add(member(row)));
      return all;
    });
  }

  /** The staff ID a live set-up token belongs to, or null. */
  public Future<String> setupFor(String token) {
    return pool.preparedQuery("select id from staff where setup_token_hash = $1 and setup_expires_at > now() and active")
        .execute(Tuple.of(Buffer.buffer(hash(token))))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Stores the password and TOTP key (the set-up code's step counts as used) and spends the token; false when the token is no longer live. */
  public Future<Boolean> completeSetup(String token, String passwordHash, String keyId, byte[] sealedKey, long step) {
    return pool.preparedQuery("""
            update staff set password_hash = $2, totp_key_id = $3, totp_sealed = $4, totp_last_step = $5,
              setup_token_hash = null, setup_expires_at = null
            where setup_token_hash = $1 and setup_expires_at > now() and active""")
        .execute(Tuple.of(Buffer.buffer(hash(token)), passwordHash, keyId, Buffer.buffer(sealedKey), step))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The credentials of a staff ID, or null when there is no such account. */
  public Future<Credentials> credentials(String id) {
    return pool.preparedQuery("select password_hash, totp_key_id, totp_sealed, totp_last_step, active from staff where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          Buffer sealed = row.getBuffer(2);
          return new Credentials(row.getString(0), row.getString(1), sealed == null ? null : sealed.getBytes(),
              row.getLong(3), row.getBoolean(4));
        });
  }

  /** Spends a TOTP time step and records the sign-in; false when that step (or a later one) was used already. */
  public Future<Boolean> signedIn(String id, long step) {
    return pool.preparedQuery("update staff set totp_last_step = $2, last_login_at = now() where id = $1 and totp_last_step < $2")
        .execute(Tuple.of(id, step)).map(rows -> rows.rowCount() == 1);
  }

  /** Records a sign-in with a passkey (no TOTP step spent); false when the account is no longer active. */
  public Future<Boolean> signedInWithPasskey(String id) {
    return pool.preparedQuery("update staff set last_login_at = now() where id = $1 and active").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Boolean> setActive(String id, boolean active) {
    return pool.preparedQuery("update staff set active = $2 where id = $1").execute(Tuple.of(id, active))
        .map(rows -> rows.rowCount() == 1);
  }

  private static StaffMember member(Row row) {
    return new StaffMember(row.getString(0), row.getString(1), Role.parse(row.getString(2)), row.getBoolean(3),
        row.getBoolean(4), row.getOffsetDateTime(5));
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The staff ID is already in use by an account that is set up. */
  public static final class Taken extends RuntimeException {
    public Taken() {
      super("this staff ID is already in use", null, false, false);
    }
  }
}
