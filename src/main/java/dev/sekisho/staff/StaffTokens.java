package dev.sekisho.staff;

import dev.sekisho.admin.StaffTokenCheck;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Per-staff API tokens: {@value #PREFIX} + 256 random bits, stored as SHA-256 only; each has a role
 * no wider than its owner's, an expiry, and can be revoked. A token works only while its owner's
 * account is active, and never beyond what the owner's current role allows.
 */
public final class StaffTokens implements StaffTokenCheck {
  public static final String PREFIX = "skt_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public StaffTokens(Pool pool) {
    this.pool = pool;
  }

  /** A new token (the only time it is seen in clear). */
  public Future<String> create(String staffId, String label, Role role, int days) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return pool.preparedQuery("insert into staff_token (staff_id, label, role, token_hash, expires_at) "
            + "values ($1, $2, $3, $4, now() + make_interval(days => $5))")
        .execute(Tuple.of(staffId, label, role.key(), Buffer.buffer(StaffStore.hash(token)), days))
        .map(token);
  }

  /** The owner's tokens, newest first (no secrets: they are not kept). */
  public Future<JsonArray> list(String staffId) {
    return pool.preparedQuery("select id, label, role, created_at, expires_at, revoked_at, last_used_at, "
            + "revoked_at is null and expires_at > now() from staff_token where staff_id = $1 order by id desc")
        .execute(Tuple.of(staffId)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("id", row.getLong(0)).put("label", row.getString(1)).put("role", row.getString(2))
                .put("createdAt", String.valueOf(row.getOffsetDateTime(3))).put("expiresAt", String.valueOf(row.getOffsetDateTime(4)))
                .put("revokedAt", row.getOffsetDateTime(5) == null ? null : row.getOffsetDateTime(5).toString())
                .put("lastUsedAt", row.getOffsetDateTime(6) == null ? null : row.getOffsetDateTime(6).toString())
                .put("live", row.getBoolean(7)));
          }
          return out;
        });
  }

  /** Revokes one of the owner's tokens; false when it is not theirs or already revoked. */
  public Future<Boolean> revoke(String staffId, long id) {
    return pool.preparedQuery("update staff_token set revoked_at = now() where id = $1 and staff_id = $2 and revoked_at is null")
        .execute(Tuple.of(id, staffId)).map(rows -> rows.rowCount() == 1);
  }

  @Override
  public boolean looksLikeOne(String token) {
    return token.startsWith(PREFIX) && token.length() < 100;
  }

  @Override
  public Future<Caller> find(String token) {
    return pool.preparedQuery("""
            update staff_token t set last_used_at = now() from staff s
            where t.token_hash = $1 and t.revoked_at is null and t.expires_at > now() and s.id = t.staff_id and s.active
            returning t.staff_id, t.role, s.role""")
        .execute(Tuple.of(Buffer.buffer(StaffStore.hash(token))))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new TokenCaller(row.getString(0), Role.parse(row.getString(1)), Role.parse(row.getString(2)));
        });
  }

  /** The token's role and the owner's current role must both allow the call. */
  private record TokenCaller(String staffId, Role tokenRole, Role ownerRole) implements Caller {
    @Override
    public boolean allows(RoutingContext ctx) {
      Permission needed = ApiPermissions.of(ctx.request().method(), ctx.normalizedPath());
      return tokenRole.may(needed) && ownerRole.may(needed);
    }
  }
}
