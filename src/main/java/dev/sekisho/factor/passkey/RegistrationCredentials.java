package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import io.vertx.core.Future;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;

import java.util.List;

/**
 * Storage for one registration ceremony, made for the signed-in member who started it. The
 * library hands storeCredential only the verified authenticator; this object adds who is signed
 * in, so a credential can be stored for that member and nobody else (the account-takeover rule
 * of CredentialStorage), plus the transports and default name the request carried.
 */
final class RegistrationCredentials implements CredentialStorage {
  private final PasskeyStore store;
  private final long memberId;
  private final List<String> transports;
  private final String name;
  private final int maxPerMember;
  private final AuditEvent event;
  private Long storedId;

  RegistrationCredentials(PasskeyStore store, long memberId, List<String> transports, String name, int maxPerMember,
                          AuditEvent event) {
    this.store = store;
    this.memberId = memberId;
    this.transports = transports;
    this.name = name;
    this.maxPerMember = maxPerMember;
    this.event = event;
  }

  @Override
  public Future<List<Authenticator>> find(String userName, String credentialId) {
    return store.find(userName, credentialId);
  }

  @Override
  public Future<Void> storeCredential(Authenticator a) {
    NewPasskey key = new NewPasskey(memberId, a.getUsername(), a.getCredID(), PasskeyStore.decode(a.getPublicKey()),
        a.getCounter(), a.getAaguid(), a.getFmt(), transports, a.getFlags(), name);
    return store.activate(key, maxPerMember, event).map(id -> {
      storedId = id;
      return null;
    });
  }

  @Override
  public Future<Void> updateCounter(Authenticator authenticator) {
    return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "sign-in during registration"));
  }

  Long storedId() {
    return storedId;
  }
}
