package dev.sekisho.factor.passkey;

import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.List;

/** A member's passkey as the management page and the admin API see it (no key material). */
public record Passkey(long id, long memberId, String credentialId, String name, long signCount, String aaguid,
                      List<String> transports, boolean backupEligible, boolean backupState,
                      OffsetDateTime createdAt, OffsetDateTime lastUsedAt) {

  static final String COLUMNS = "id, member_id, credential_id, name, sign_count, aaguid, transports, "
      + "backup_eligible, backup_state, created_at, last_used_at";

  static Passkey from(Row row) {
    String[] transports = row.getArrayOfStrings("transports");
    return new Passkey(row.getLong("id"), row.getLong("member_id"), row.getString("credential_id"),
        row.getString("name"), row.getLong("sign_count"), row.getString("aaguid"),
        transports == null ? List.of() : List.of(transports), row.getBoolean("backup_eligible"),
        row.getBoolean("backup_state"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_used_at"));
  }
}
