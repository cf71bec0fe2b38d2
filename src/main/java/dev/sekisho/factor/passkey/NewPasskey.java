package dev.sekisho.factor.passkey;

import java.util.List;

/** A credential the library has just verified at registration, with what the request adds to it. */
record NewPasskey(long memberId, String loginId, String credentialId, byte[] publicKey, long signCount,
                  String aaguid, String attestationFormat, List<String> transports, int flags, String name) {

  /** Authenticator-data flag bits (WebAuthn §6.1). */
  static final int FLAG_BACKUP_ELIGIBLE = 0x08;
  static final int FLAG_BACKUP_STATE = 0x10;

  boolean backupEligible() {
    return (flags & FLAG_BACKUP_ELIGIBLE) != 0;
  }

  boolean backupState() {
    return (flags & FLAG_BACKUP_STATE) != 0;
  }
}
