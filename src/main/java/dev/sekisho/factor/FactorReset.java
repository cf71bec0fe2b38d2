package dev.sekisho.factor;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * Removes every second factor of a member, inside the caller's transaction (the insurer's "reset
 * factors" when a phone is lost: the member sets a method up again at the next login). Every
 * credential table of every factor package is listed here, so a reset can never leave a
 * credential that still signs in while the member looks reset.
 */
public final class FactorReset {
  /** Credential tables keyed by member_id: TOTP (active and pending), HOTP tokens, email codes, recovery codes, passkeys. */
  private static final List<String> CREDENTIAL_TABLES = List.of(
      "otp_totp", "otp_totp_pending", "otp_hotp", "otp_email_code", "otp_recovery_code", "passkey", "passkey_challenge");

  private FactorReset() {}

  /** @return how many methods the member had set up */
  public static Future<Integer> resetAll(SqlConnection tx, long memberId) {
    Future<Void> credentials = Future.succeededFuture();
    for (String table : CREDENTIAL_TABLES) {
      credentials = credentials.compose(v -> tx.preparedQuery("delete from " + table + " where member_id = $1")
          .execute(Tuple.of(memberId)).mapEmpty());
    }
    return credentials.compose(v -> tx.preparedQuery("delete from member_method where member_id = $1")
        .execute(Tuple.of(memberId))).map(rows -> rows.rowCount());
  }
}
