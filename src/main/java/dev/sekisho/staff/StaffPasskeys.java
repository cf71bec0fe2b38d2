package dev.sekisho.staff;

import dev.sekisho.factor.passkey.DeviceName;
import dev.sekisho.factor.passkey.PasskeyRefused;
import dev.sekisho.factor.passkey.PasskeyService;
import dev.sekisho.factor.passkey.PasskeySettings;
import dev.sekisho.factor.passkey.PasskeyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.auth.webauthn4j.Authenticator;
import io.vertx.ext.auth.webauthn4j.CredentialStorage;
import io.vertx.ext.auth.webauthn4j.WebAuthn4J;
import io.vertx.ext.auth.webauthn4j.WebAuthn4JCredentials;

import java.util.List;

/**
 * Passkeys as a staff second factor: the members' WebAuthn set-up ({@link PasskeyService#options}:
 * user verification required, no attachment, the configured relying party and origins; its error
 * mapping) over the staff's own store. The password comes first, always: a passkey here is the
 * second factor, never the whole sign-in, and email is never one.
 */
final class StaffPasskeys {
  static final String REGISTER = "register";
  static final String LOGIN = "login";
  /** Enough for a desk PC, a phone and a spare key. */
  static final int MAX_PER_STAFF = 10;

  private final StaffPasskeyStore store;
  private final PasskeySettings settings;

  StaffPasskeys(StaffPasskeyStore store, PasskeySettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /** Options for navigator.credentials.create(), the challenge stored for this staff member. */
  Future<JsonObject> registrationOptions(Vertx vertx, String staffId, String name) {
    byte[] fresh = new byte[16];
    VertxContextPRNG.current(vertx).nextBytes(fresh);
    return store.userHandle(staffId, fresh).compose(handle -> library(vertx, new Storage(staffId))
            .createCredentialsOptions(new JsonObject().put("name", staffId).put("displayName", name))
            .compose(options -> store.find(staffId, null).map(existing -> {
              options.getJsonObject("user").put("id", PasskeyStore.encode(handle));
              // The browser refuses an authenticator that holds one of these already.
              JsonArray exclude = new JsonArray();
              existing.forEach(a -> exclude.add(new JsonObject().put("type", "public-key").put("id", a.getCredID())));
              return options.put("excludeCredentials", exclude);
            })))
        .compose(options -> store.issueChallenge(options.getString("challenge"), REGISTER, staffId,
            settings.challengeTtl()).map(options));
  }

  /** Verifies the browser's new credential and stores it for this staff member. @return its default name */
  Future<String> register(Vertx vertx, String staffId, String challenge, JsonObject credential, String userAgent) {
    String name = DeviceName.from(userAgent);
    List<String> transports = PasskeyService.transports(credential);
    CredentialStorage storage = new Storage(staffId) {
      @Override
      public Future<Void> storeCredential(Authenticator authenticator) {
        // Stored for the staff member who started the ceremony, whatever the credential claims.
        return store.add(staffId, authenticator, transports, name, MAX_PER_STAFF).mapEmpty();
      }
    };
    return prepare(staffId, challenge, REGISTER, credential)
        .compose(origin -> library(vertx, storage).authenticate(credentials(staffId, challenge, credential, origin)))
        .map(name)
        .recover(StaffPasskeys::refused);
  }

  /** Options for navigator.credentials.get(), listing this staff member's passkeys only. */
  Future<JsonObject> loginOptions(Vertx vertx, String staffId) {
    return library(vertx, new Storage(staffId)).getCredentialsOptions(staffId).compose(options -> store.find(staffId, null).map(keys -> {
      JsonArray allow = new JsonArray();
      keys.forEach(a -> allow.add(new JsonObject().put("type", "public-key").put("id", a.getCredID())));
      return options.put("allowCredentials", allow);
    })).compose(options -> store.issueChallenge(options.getString("challenge"), LOGIN, staffId, settings.challengeTtl())
        .map(options));
  }

  /** Verifies an assertion against this staff member's passkeys; a counter that does not rise is refused. */
  Future<Void> verifyLogin(Vertx vertx, String staffId, String challenge, JsonObject assertion) {
    return prepare(staffId, challenge, LOGIN, assertion)
        .compose(origin -> library(vertx, new Storage(staffId)).authenticate(credentials(staffId, challenge, assertion,
            origin)))
        .<Void>mapEmpty()
        .recover(StaffPasskeys::refused);
  }

  Future<JsonArray> list(String staffId) {
    return store.list(staffId);
  }

  Future<Integer> count(String staffId) {
    return store.count(staffId);
  }

  Future<Boolean> remove(String staffId, long id) {
    return store.remove(staffId, id);
  }

  private WebAuthn4J library(Vertx vertx, CredentialStorage storage) {
    return WebAuthn4J.create(vertx, PasskeyService.options(settings)).credentialStorage(storage);
  }

  /** The checks before the library runs, as for members: a well-formed answer, our challenge (used up here), an allowed origin. */
  private Future<String> prepare(String staffId, String challenge, String purpose, JsonObject credential) {
    String origin;
    try {
      origin = new JsonObject(Buffer.buffer(PasskeyStore.decode(
          credential.getJsonObject("response").getString("clientDataJSON")))).getString("origin");
    } catch (RuntimeException e) {
      return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "malformed credential"));
    }
    if (challenge == null) {
      return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.CHALLENGE, "no challenge in session"));
    }
    return store.consumeChallenge(challenge, purpose, staffId).compose(fresh -> {
      if (!fresh) {
        return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.CHALLENGE, "challenge used or expired"));
      }
      if (origin == null || !settings.origins().contains(origin)) {
        return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.ORIGIN, "origin not allowed"));
      }
      return Future.succeededFuture(origin);
    });
  }

  private WebAuthn4JCredentials credentials(String staffId, String challenge, JsonObject credential, String origin) {
    return new WebAuthn4JCredentials().setChallenge(challenge).setWebauthn(credential).setUsername(staffId)
        .setOrigin(origin).setDomain(settings.rpId());
  }

  private static <T> Future<T> refused(Throwable err) {
    PasskeyRefused refused = PasskeyService.classify(err);
    return Future.failedFuture(refused == null ? err : refused);
  }

  /** The library's view of one staff member's passkeys: sign-in only unless a registration overrides it. */
  private class Storage implements CredentialStorage {
    private final String staffId;

    Storage(String staffId) {
      this.staffId = staffId;
    }

    @Override
    public Future<List<Authenticator>> find(String userName, String credentialId) {
      // Only this staff member's: a credential of anyone else is unknown here.
      return store.find(staffId, credentialId);
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
}
