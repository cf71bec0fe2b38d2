package dev.sekisho.staff;

import dev.sekisho.factor.passkey.PasskeyRefused;
import dev.sekisho.factor.passkey.PasskeyStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for the staff's passkeys (V17): the same rules as the members' {@link PasskeyStore} (single-use
 * hashed challenges bound to one person and purpose, a sign counter that must rise), on the staff's
 * own tables.
 */
final class StaffPasskeyStore {
  /** Authenticator-data flag bits (WebAuthn §6.1), as the members' store reads them. */
  private static final int FLAG_BACKUP_ELIGIBLE = 0x08;
  private static final int FLAG_BACKUP_STATE = 0x10;

  private final Pool pool;

  StaffPasskeyStore(Pool pool) {
    this.pool = pool;
  }

  /** The staff member's stable WebAuthn user handle, set from fresh on first use. */
  Future<byte[]> userHandle(String staffId, byte[] fresh) {
    return pool.preparedQuery("update staff set passkey_handle = coalesce(passkey_handle, $2) where id = $1 "
            + "returning passkey_handle").execute(Tuple.of(staffId, Buffer.buffer(fresh)))
        .map(rows -> rows.iterator().next().getBuffer(0).getBytes());
  }

  Future<Void> issueChallenge(String challenge, String purpose, String staffId, Duration ttl) {
    return pool.preparedQuery("""
        with swept as (delete from staff_passkey_challenge where expires_at < now())
        insert into staff_passkey_challenge (challenge_hash, purpose, staff_id, expires_at)
        values ($1, $2, $3, now() + make_interval(secs => $4))
        """).execute(Tuple.of(Buffer.buffer(StaffStore.hash(challenge)), purpose, staffId, (double) ttl.toSeconds()))
        .mapEmpty();
  }

  /** Uses a challenge up: true once, for the staff member and purpose it was issued to, before it expires. */
  Future<Boolean> consumeChallenge(String challenge, String purpose, String staffId) {
    return pool.preparedQuery("delete from staff_passkey_challenge where challenge_hash = $1 and purpose = $2 "
            + "and staff_id = $3 and expires_at > now() returning 1")
        .execute(Tuple.of(Buffer.buffer(StaffStore.hash(challenge)), purpose, staffId))
        .map(rows -> rows.size() == 1);
  }

  /** What the library needs to verify an assertion: this staff member's passkeys (or the one credential). */
  Future<List<Authenticator>> find(String staffId, String credentialId) {
    return pool.preparedQuery("select staff_id, credential_id, public_key, sign_count, aaguid, attestation_format, "
            + "backup_eligible, backup_state from staff_passkey "
            + "where ($1::text is null or staff_id = $1) and ($2::text is null or credential_id = $2) order by id")
        .execute(Tuple.of(staffId, credentialId)).map(rows -> {
          List<Authenticator> out = new ArrayList<>();
          for (Row row : rows) {
            int flags = (row.getBoolean("backup_eligible") ? FLAG_BACKUP_ELIGIBLE : 0)
                | (row.getBoolean("backup_state") ? FLAG_BACKUP_STATE : 0);
            out.add(new Authenticator().setUsername(row.getString("staff_id"))
                .setCredID(row.getString("credential_id"))
                .setPublicKey(PasskeyStore.encode(row.getBuffer("public_key").getBytes()))
                .setCounter(row.getLong("sign_count")).setAaguid(row.getString("aaguid"))
                .setFmt(row.getString("attestation_format")).setFlags(flags));
          }
          return out;
        });
  }

  /**
   * Stores a verified new passkey; refused (as a duplicate) when the credential is stored already or
   * the staff member has {@code max}. @return its row id
   */
  Future<Long> add(String staffId, Authenticator a, List<String> transports, String name, int max) {
    return pool.preparedQuery("""
        insert into staff_passkey (staff_id, credential_id, public_key, sign_count, aaguid, attestation_format,
          transports, backup_eligible, backup_state, name)
        select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        where (select count(*) from staff_passkey where staff_id = $1) < $11
        on conflict (credential_id) do nothing
        returning id
        """).execute(Tuple.tuple().addString(staffId).addString(a.getCredID())
            .addBuffer(Buffer.buffer(PasskeyStore.decode(a.getPublicKey()))).addLong(a.getCounter())
            .addString(a.getAaguid()).addString(a.getFmt()).addArrayOfString(transports.toArray(String[]::new))
            .addBoolean((a.getFlags() & FLAG_BACKUP_ELIGIBLE) != 0).addBoolean((a.getFlags() & FLAG_BACKUP_STATE) != 0)
            .addString(name).addInteger(max))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next().getLong(0))
            : Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.DUPLICATE, "stored already, or too many passkeys")));
  }

  /** The counter must rise, or stay 0 where it was 0 (synced passkeys never count): else a clone or a replay. */
  Future<Void> updateCounter(String credentialId, long signCount) {
    return pool.preparedQuery("update staff_passkey set sign_count = $2, last_used_at = now() where credential_id = $1 "
            + "and (sign_count < $2 or (sign_count = 0 and $2 = 0))").execute(Tuple.of(credentialId, signCount))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.COUNTER, "sign count did not rise")));
  }

  Future<JsonArray> list(String staffId) {
    return pool.preparedQuery("select id, name, created_at, last_used_at from staff_passkey where staff_id = $1 order by id")
        .execute(Tuple.of(staffId)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("id", row.getLong(0)).put("name", row.getString(1))
                .put("createdAt", row.getOffsetDateTime(2).toString())
                .put("lastUsedAt", row.getOffsetDateTime(3) == null ? null : row.getOffsetDateTime(3).toString()));
          }
          return out;
        });
  }

  Future<Integer> count(String staffId) {
    return pool.preparedQuery("select count(*) from staff_passkey where staff_id = $1").execute(Tuple.of(staffId))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /** @return false when the staff member has no such passkey */
  Future<Boolean> remove(String staffId, long id) {
    return pool.preparedQuery("delete from staff_passkey where staff_id = $1 and id = $2").execute(Tuple.of(staffId, id))
        .map(rows -> rows.rowCount() == 1);
  }
}
