package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The member's own changes to the member row from the account page: a new password, a confirmed
 * new address. Each write happens only if the row still holds what the member's request read (the
 * password hash, the old address), so two tabs or an insurer's reset in between cannot be
 * overwritten unseen: the loser gets false and changes nothing.
 */
public final class OwnCredentials {
  private OwnCredentials() {}

  /** Replaces the password whose hash the caller verified; true when it was still that one. */
  public static Future<Boolean> replacePassword(SqlClient tx, long memberId, String verifiedHash, String newHash) {
    return tx.preparedQuery("update member set password_hash = $3, password_must_change = false, "
            + "password_changed_at = now(), updated_at = now() where id = $1 and password_hash = $2")
        .execute(Tuple.of(memberId, verifiedHash, newHash)).map(rows -> rows.rowCount() == 1);
  }

  /** Moves the member to a confirmed new address; true when the address was still the old one. */
  public static Future<Boolean> replaceEmail(SqlClient tx, long memberId, String oldEmail, String newEmail) {
    return tx.preparedQuery("update member set email = $3, email_confirmed_at = now(), updated_at = now() "
            + "where id = $1 and email is not distinct from $2")
        .execute(Tuple.of(memberId, oldEmail, newEmail)).map(rows -> rows.rowCount() == 1);
  }
}
