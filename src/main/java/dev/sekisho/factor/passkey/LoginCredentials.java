package dev.sekisho.factor.passkey;

import io.vertx.core.Future;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;

import java.util.List;

/**
 * The library's view of stored passkeys for sign-in and for building options. It never stores a
 * credential: registration goes through {@link RegistrationCredentials}, which knows who is
 * signed in.
 */
final class LoginCredentials implements CredentialStorage {
  private final PasskeyStore store;

  LoginCredentials(PasskeyStore store) {
    this.store = store;
  }

  @Override
  public Future<List<Authenticator>> find(String userName, String credentialId) {
    return store.find(userName, credentialId);
  }

  @Override
  public Future<Void> storeCredential(Authenticator authenticator) {
    return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "registration outside set-up"));
  }

  @Override
  public Future<Void> updateCounter(Authenticator authenticator) {
    return store.updateCounter(authenticator.getCredID(), authenticator.getCounter());
  }
}
