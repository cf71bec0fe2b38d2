package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.SetupDeadline;
import dev.sekisho.journey.Actor;
import dev.sekisho.journey.ColumnUpdates;
import dev.sekisho.journey.JourneyEngine;
import dev.sekisho.member.MemberState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * SQL for passkeys, their challenges and user handles. Every method is one statement or one
 * transaction that locks the member row first, so two gateway processes cannot both win a race
 * (two registrations past the limit, two removals of the last two passkeys).
 */
public final class PasskeyStore {
  static final String METHOD = "passkey";
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODE = Base64.getUrlDecoder();

  private final Pool pool;

  public PasskeyStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The library's lookup: by login ID, by credential id, or both (then at most one row). An
   * unknown member or credential gives an empty list.
   */
  public Future<List<Authenticator>> find(String loginId, String credentialId) {
    if (loginId == null && credentialId == null) {
      return Future.failedFuture(new IllegalArgumentException("a login ID or a credential id is required"));
    }
    String sql = "select m.login_id, p.credential_id, p.public_key, p.sign_count, p.aaguid, p.attestation_format, "
        + "p.backup_eligible, p.backup_state from passkey p join member m on m.id = p.member_id "
        + "where ($1::text is null or m.login_id = $1) and ($2::text is null or p.credential_id = $2) order by p.id";
    return pool.preparedQuery(sql).execute(Tuple.of(loginId, credentialId)).map(rows -> {
      List<Authenticator> out = new ArrayList<>();
      for (Row row : rows) {
        int flags = (row.getBoolean("backup_eligible") ? NewPasskey.FLAG_BACKUP_ELIGIBLE : 0)
            | (row.getBoolean("backup_state") ? NewPasskey.FLAG_BACKUP_STATE : 0);
        out.add(new Authenticator()
            .setUsername(row.getString("login_id"))
            .setCredID(row.getString("credential_id"))
            .setPublicKey(B64URL.encodeToString(row.getBuffer("public_key").getBytes()))
            .setCounter(row.getLong("sign_count"))
            .setAaguid(row.getString("aaguid"))
            .setFmt(row.getString("attestation_format"))
            .setFlags(flags));
      }
      return out;
    });
  }

  /**
   * Stores the sign counter of a verified assertion in one conditional statement: it must rise,
   * or stay 0 where the stored count is 0 too (synced passkeys never count). A counter that does
   * not rise means a cloned authenticator or a replay that raced another login: refused.
   */
  public Future<Void> updateCounter(String credentialId, long signCount) {
    String sql = """
        with used as (
          update passkey set sign_count = $2, last_used_at = now()
          where credential_id = $1 and (sign_count < $2 or (sign_count = 0 and $2 = 0))
          returning member_id),
        method as (
          update member_method set last_used_at = now()
          where method = 'passkey' and member_id in (select member_id from used)),
        -- A passkey success is a success of the second step: it ends the member's code failure
        -- count and a hold (LoginThrottle.otpSubject).
        codes as (delete from login_throttle where subject in (select 'otp:' || member_id from used))
        select count(*) from used
        """;
    return pool.preparedQuery(sql).execute(Tuple.of(credentialId, signCount)).compose(rows -> {
      long updated = rows.iterator().next().getLong(0);
      return updated == 1 ? Future.succeededFuture()
          : Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.COUNTER, "sign count did not rise"));
    });
  }

  /** The member's stable WebAuthn user handle, created on first use. */
  public Future<byte[]> userHandle(long memberId, byte[] fresh) {
    String sql = """
        with ins as (insert into passkey_user (member_id, user_handle) values ($1, $2)
                     on conflict (member_id) do nothing returning user_handle)
        select user_handle from ins union all select user_handle from passkey_user where member_id = $1 limit 1
        """;
    return pool.preparedQuery(sql).execute(Tuple.of(memberId, io.vertx.core.buffer.Buffer.buffer(fresh)))
        .map(rows -> rows.iterator().next().getBuffer(0).getBytes());
  }

  /**
   * Activates a verified credential: the passkey row, the member's 'passkey' method row and the
   * end of set-up ('onboarded' becomes 'method_set_up') commit together with the audit line.
   * Refused when the credential id is already stored (for anyone), when the login ID the library
   * was given is not the member's own, or when the member has too many passkeys.
   *
   * @return the new passkey's row id
   */
  public Future<Long> activate(NewPasskey key, int maxPerMember, AuditEvent event) {
    return pool.withTransaction(conn -> lockMember(conn, key.memberId()).compose(member -> {
      if (member == null || !member.getString("login_id").equals(key.loginId())) {
        return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.NOT_YOURS, "credential for another member"));
      }
      return SetupDeadline.check(conn, key.memberId())
          .recover(late -> Future.failedFuture(late instanceof SetupDeadline.Passed
              ? new PasskeyRefused(PasskeyRefused.Reason.SETUP_EXPIRED, "set-up deadline passed") : late))
          .compose(v -> conn.preparedQuery("select count(*) from passkey where member_id = $1").execute(Tuple.of(key.memberId())))
          .compose(count -> {
            if (count.iterator().next().getLong(0) >= maxPerMember) {
              return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.TOO_MANY, "limit reached"));
            }
            return conn.preparedQuery("""
                insert into passkey (member_id, credential_id, public_key, sign_count, aaguid, attestation_format,
                                     transports, backup_eligible, backup_state, name)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                on conflict (credential_id) do nothing returning id
                """).execute(Tuple.tuple().addLong(key.memberId()).addString(key.credentialId())
                .addBuffer(io.vertx.core.buffer.Buffer.buffer(key.publicKey())).addLong(key.signCount())
                .addString(key.aaguid()).addString(key.attestationFormat())
                .addArrayOfString(key.transports().toArray(String[]::new))
                .addBoolean(key.backupEligible()).addBoolean(key.backupState()).addString(key.name()));
          })
          .compose(inserted -> {
            if (inserted.size() == 0) {
              return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.DUPLICATE, "credential id exists"));
            }
            long id = inserted.iterator().next().getLong(0);
            return conn.preparedQuery("insert into member_method (member_id, method) values ($1, 'passkey') "
                    + "on conflict do nothing").execute(Tuple.of(key.memberId()))
                .compose(v -> JourneyEngine.move(conn, key.memberId(), MemberState.ONBOARDED, MemberState.METHOD_SET_UP,
                    Actor.MEMBER))
                .compose(v -> AuditLog.record(conn, event.with(new JsonObject().put("passkeyId", id)
                    .put("aaguid", key.aaguid()).put("backupEligible", key.backupEligible()))))
                .map(v -> id);
          });
    }));
  }

  public Future<List<Passkey>> list(long memberId) {
    return pool.preparedQuery("select " + Passkey.COLUMNS + " from passkey where member_id = $1 order by created_at, id")
        .execute(Tuple.of(memberId)).map(rows -> {
          List<Passkey> out = new ArrayList<>();
          rows.forEach(row -> out.add(Passkey.from(row)));
          return out;
        });
  }

  /** The methods other than passkey that the member has set up. */
  public Future<List<String>> otherMethods(long memberId) {
    return pool.preparedQuery("select method from member_method where member_id = $1 and method <> 'passkey' order by method")
        .execute(Tuple.of(memberId)).map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(row -> out.add(row.getString(0)));
          return out;
        });
  }

  public Future<Boolean> rename(long memberId, long passkeyId, String name) {
    return pool.preparedQuery("update passkey set name = $3 where id = $2 and member_id = $1")
        .execute(Tuple.of(memberId, passkeyId, name)).map(rows -> rows.rowCount() == 1);
  }

  /**
   * Removes one of the member's passkeys. The last passkey goes only when another method is set
   * up, and takes the member's 'passkey' method row with it.
   */
  public Future<Void> remove(long memberId, long passkeyId, AuditEvent event) {
    return pool.withTransaction(conn -> lockMember(conn, memberId)
        .compose(member -> conn.preparedQuery("select id from passkey where member_id = $1").execute(Tuple.of(memberId)))
        .compose(keys -> {
          boolean owned = false;
          for (Row row : keys) {
            owned |= row.getLong(0) == passkeyId;
          }
          if (!owned) {
            return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.NOT_FOUND, "no such passkey"));
          }
          boolean last = keys.size() == 1;
          Future<Void> allowed = !last ? Future.succeededFuture()
              : conn.preparedQuery("select count(*) from member_method where member_id = $1 and method <> 'passkey'")
                  .execute(Tuple.of(memberId)).compose(others -> others.iterator().next().getLong(0) > 0
                      ? Future.succeededFuture()
                      : Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.LAST_METHOD, "last method")));
          return allowed
              .compose(v -> conn.preparedQuery("delete from passkey where id = $1 and member_id = $2")
                  .execute(Tuple.of(passkeyId, memberId)))
              .compose(v -> last
                  ? conn.preparedQuery("delete from member_method where member_id = $1 and method = 'passkey'")
                      .execute(Tuple.of(memberId)).<Void>mapEmpty()
                  : Future.<Void>succeededFuture())
              .compose(v -> AuditLog.record(conn, event.with(new JsonObject().put("passkeyId", passkeyId).put("last", last))));
        }));
  }

  /**
   * The insurer's reset after a lost phone: every passkey of the member goes, with the method row;
   * a member left with no method goes back to set-up, and the member's sessions end.
   *
   * @return how many passkeys were removed, or -1 when no member has this id
   */
  public Future<Integer> removeAll(long memberId, AuditEvent event) {
    return pool.withTransaction(conn -> lockMember(conn, memberId).compose(member -> {
      if (member == null) {
        return Future.succeededFuture(-1);
      }
      return conn.preparedQuery("delete from passkey where member_id = $1").execute(Tuple.of(memberId))
          .compose(deleted -> conn.preparedQuery("delete from member_method where member_id = $1 and method = 'passkey'")
              .execute(Tuple.of(memberId))
              .compose(v -> JourneyEngine.move(conn, memberId, MemberState.METHOD_SET_UP, MemberState.ONBOARDED, Actor.INSURER,
                  ColumnUpdates.none().onlyIf("not exists (select 1 from member_method where member_id = $1)")))
              .compose(v -> conn.preparedQuery("delete from http_session where member_id = $1").execute(Tuple.of(memberId)))
              .compose(v -> AuditLog.record(conn, event.with(new JsonObject().put("removed", deleted.rowCount()))))
              .map(v -> deleted.rowCount()));
    }));
  }

  /** Stores a challenge (hashed) for one member and purpose; expired ones are swept on the way. */
  public Future<Void> issueChallenge(String challenge, String purpose, Long memberId, Duration ttl) {
    return pool.preparedQuery("""
        with swept as (delete from passkey_challenge where expires_at < now())
        insert into passkey_challenge (challenge_hash, purpose, member_id, expires_at)
        values ($1, $2, $3, now() + make_interval(secs => $4))
        """).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash(challenge)), purpose, memberId,
            (double) ttl.toSeconds())).mapEmpty();
  }

  /** Uses a challenge up: true once, for the member and purpose it was issued to, before it expires. */
  public Future<Boolean> consumeChallenge(String challenge, String purpose, Long memberId) {
    return pool.preparedQuery("delete from passkey_challenge where challenge_hash = $1 and purpose = $2 "
            + "and member_id is not distinct from $3 and expires_at > now() returning 1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash(challenge)), purpose, memberId))
        .map(rows -> rows.size() == 1);
  }

  /** Whose passkey this is, for passkey-first sign-in: null when the credential is unknown. */
  public Future<Owner> owner(String credentialId) {
    return pool.preparedQuery("select m.id, m.login_id, m.onboarding_state, u.user_handle, m.deactivated_at is not null as deactivated from passkey p "
            + "join member m on m.id = p.member_id left join passkey_user u on u.member_id = m.id where p.credential_id = $1")
        .execute(Tuple.of(credentialId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          io.vertx.core.buffer.Buffer handle = row.getBuffer("user_handle");
          return new Owner(row.getLong("id"), row.getString("login_id"), MemberState.of(row.getString("onboarding_state")),
              handle == null ? null : handle.getBytes(), row.getBoolean("deactivated"));
        });
  }

  /** The member a passkey belongs to; deactivated: the insurer deactivated the member (V16). */
  public record Owner(long memberId, String loginId, MemberState onboardingState, byte[] userHandle, boolean deactivated) {
  }

  private static Future<Row> lockMember(SqlConnection conn, long memberId) {
    return conn.preparedQuery("select id, login_id, onboarding_state from member where id = $1 for update")
        .execute(Tuple.of(memberId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  static byte[] hash(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] decode(String base64url) {
    return B64URL_DECODE.decode(base64url);
  }

  public static String encode(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }
}
