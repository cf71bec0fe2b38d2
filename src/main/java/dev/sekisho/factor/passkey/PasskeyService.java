package dev.sekisho.factor.passkey;

import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.MemberState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.auth.webauthn4j.Attestation;
import io.vertx.ext.auth.webauthn4j.RelyingParty;
import io.vertx.ext.auth.webauthn4j.ResidentKey;
import io.vertx.ext.auth.webauthn4j.UserVerification;
import io.vertx.ext.auth.webauthn4j.WebAuthn4J;
import io.vertx.ext.auth.webauthn4j.WebAuthn4JCredentials;
import io.vertx.ext.auth.webauthn4j.WebAuthn4JOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The passkey ceremonies (J2.1-J2.3 registration, J3.1 sign-in) and the member's own management.
 * vertx-auth-webauthn4j verifies signatures, challenge, origin, rpId, the user-presence and
 * user-verification flags and the sign counter; this class adds what the library leaves to its
 * caller: single-use challenges bound to the member, the allowed-origin list, the storage rules
 * and the audit trail.
 */
public final class PasskeyService {
  public static final String REGISTER = "register";
  public static final String LOGIN = "login";
  public static final String DISCOVER = "discover";
  private static final Set<String> TRANSPORTS = Set.of("usb", "nfc", "ble", "hybrid", "internal", "smart-card");

  private final Vertx vertx;
  private final PasskeyStore store;
  private final PasskeySettings settings;
  private final AuditLog audit;
  private final WebAuthn4J provider;

  public PasskeyService(Vertx vertx, PasskeyStore store, PasskeySettings settings, AuditLog audit) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.audit = audit;
    this.provider = WebAuthn4J.create(vertx, options(settings)).credentialStorage(new LoginCredentials(store));
  }

  /**
   * User verification required (face, fingerprint or PIN: the passkey is the second factor and,
   * for passkey-first sign-in, the whole of it); resident keys preferred; no authenticator
   * attachment, so a phone can serve a PC through the browser's hybrid (QR code) flow (J2.3).
   */
  public static WebAuthn4JOptions options(PasskeySettings settings) {
    return new WebAuthn4JOptions()
        .setRelyingParty(new RelyingParty().setId(settings.rpId()).setName(settings.rpName()))
        .setUserVerification(UserVerification.REQUIRED)
        .setUserPresenceRequired(true)
        .setResidentKey(ResidentKey.PREFERRED)
        .setAuthenticatorAttachment(null)
        .setAttestation(Attestation.valueOf(settings.attestation().toUpperCase(Locale.ROOT)))
        .setTimeoutInMilliseconds(settings.timeout().toMillis())
        // The library's default asks for the long-dead txAuthSimple extension.
        .setExtensions(new JsonObject());
  }

  public PasskeySettings settings() {
    return settings;
  }

  /** Options for navigator.credentials.create(); the challenge is stored for this member. */
  public Future<JsonObject> registrationOptions(long memberId, String loginId, String displayName) {
    byte[] fresh = new byte[16];
    VertxContextPRNG.current(vertx).nextBytes(fresh);
    return store.userHandle(memberId, fresh).compose(handle -> provider.createCredentialsOptions(
            new JsonObject().put("name", loginId).put("displayName", displayName))
        .map(options -> {
          // The library makes a new random user id every time; a stable one per member lets an
          // authenticator replace, not pile up, a member's passkeys.
          options.getJsonObject("user").put("id", PasskeyStore.encode(handle));
          return options;
        }))
        .compose(options -> store.issueChallenge(options.getString("challenge"), REGISTER, memberId,
            settings.challengeTtl()).map(options));
  }

  /**
   * Verifies the browser's new credential and activates it for this member.
   *
   * @param challenge the challenge this session was given (null when none)
   * @return the stored passkey's row id and its default name
   */
  public Future<Registered> register(long memberId, String loginId, String challenge, JsonObject credential,
                                     AuditEvent.Client client) {
    AuditEvent event = AuditEvent.of(memberId, loginId, "passkey.register", "ok", client);
    return prepare(memberId, challenge, REGISTER, credential).compose(origin -> {
      String name = DeviceName.from(client.userAgent());
      RegistrationCredentials storage = new RegistrationCredentials(store, memberId, transports(credential), name,
          settings.maxPerMember(), event);
      WebAuthn4J ceremony = WebAuthn4J.create(vertx, options(settings)).credentialStorage(storage);
      return ceremony.authenticate(credentials(challenge, credential, loginId, origin))
          .map(user -> new Registered(storage.storedId(), name));
    }).recover(err -> refusal(err, event));
  }

  /** Options for navigator.credentials.get(), listing this member's passkeys only. */
  public Future<JsonObject> loginOptions(long memberId, String loginId) {
    return provider.getCredentialsOptions(loginId).compose(options -> store.list(memberId).map(keys -> {
      JsonArray allow = new JsonArray();
      for (Passkey key : keys) {
        JsonObject descriptor = new JsonObject().put("type", "public-key").put("id", key.credentialId());
        if (!key.transports().isEmpty()) {
          descriptor.put("transports", new JsonArray(new ArrayList<>(key.transports())));
        }
        allow.add(descriptor);
      }
      return options.put("allowCredentials", allow);
    })).compose(options -> store.issueChallenge(options.getString("challenge"), LOGIN, memberId,
        settings.challengeTtl()).map(options));
  }

  /**
   * Verifies a sign-in assertion against this member's passkeys. A sign counter that does not
   * rise (a cloned authenticator) is refused and audited as such.
   */
  public Future<Void> verifyLogin(long memberId, String loginId, String challenge, JsonObject assertion,
                                  AuditEvent.Client client) {
    AuditEvent event = AuditEvent.of(memberId, loginId, "passkey.login", "ok", client);
    return prepare(memberId, challenge, LOGIN, assertion)
        .compose(origin -> provider.authenticate(credentials(challenge, assertion, loginId, origin)))
        .compose(user -> audit.record(event.with(new JsonObject().put("credentialId", assertion.getString("id")))))
        .recover(err -> refusal(err, event));
  }

  /**
   * Options for passkey-first sign-in (when enabled): no allowCredentials, so the browser offers
   * the discoverable passkeys it holds for this site; the challenge belongs to no member yet.
   */
  public Future<JsonObject> discoverOptions() {
    return provider.getCredentialsOptions(null).compose(options ->
        store.issueChallenge(options.getString("challenge"), DISCOVER, null, settings.challengeTtl()).map(options));
  }

  /**
   * Passkey-first sign-in: the passkey (user verification required) stands for password and
   * factor together. The credential names its member; the user handle the authenticator returns
   * must be that member's, and the member must have finished set-up.
   */
  public Future<PasskeyStore.Owner> verifyDiscoverable(String challenge, JsonObject assertion, AuditEvent.Client client) {
    AuditEvent unknown = AuditEvent.of(null, null, "passkey.first", "ok", client);
    return prepare(null, challenge, DISCOVER, assertion)
        .compose(origin -> store.owner(assertion.getString("id")).compose(owner -> {
          if (owner == null) {
            return this.<PasskeyStore.Owner>refusal(
                new PasskeyRefused(PasskeyRefused.Reason.NOT_RECOGNISED, "unknown credential"), unknown);
          }
          AuditEvent event = AuditEvent.of(owner.memberId(), owner.loginId(), "passkey.first", "ok", client);
          String handle = assertion.getJsonObject("response").getString("userHandle");
          boolean handleMatches = handle != null && owner.userHandle() != null
              && java.security.MessageDigest.isEqual(PasskeyStore.decode(handle), owner.userHandle());
          Future<Void> checked = !handleMatches
              ? Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.NOT_RECOGNISED, "user handle mismatch"))
              : owner.onboardingState() != MemberState.METHOD_SET_UP
                  ? Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "member not set up"))
                  // Passkey-first skips the password step, so it checks what the login checks.
                  : owner.deactivated()
                      ? Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "member deactivated"))
                      : Future.succeededFuture();
          return checked
              .compose(v -> provider.authenticate(credentials(challenge, assertion, owner.loginId(), origin)))
              .compose(user -> audit.record(event))
              .map(owner)
              .recover(err -> refusal(err, event));
        }), err -> refusal(err, unknown));
  }

  /** The checks before the library runs: a well-formed answer, our challenge (used up here), an allowed origin. */
  private Future<String> prepare(Long memberId, String challenge, String purpose, JsonObject credential) {
    String origin;
    try {
      JsonObject clientData = new JsonObject(Buffer.buffer(PasskeyStore.decode(
          credential.getJsonObject("response").getString("clientDataJSON"))));
      origin = clientData.getString("origin");
    } catch (RuntimeException e) {
      return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.INVALID, "malformed credential"));
    }
    if (challenge == null) {
      return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.CHALLENGE, "no challenge in session"));
    }
    return store.consumeChallenge(challenge, purpose, memberId).compose(fresh -> {
      if (!fresh) {
        return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.CHALLENGE, "challenge used or expired"));
      }
      if (origin == null || !settings.origins().contains(origin)) {
        return Future.failedFuture(new PasskeyRefused(PasskeyRefused.Reason.ORIGIN, "origin not allowed"));
      }
      return Future.succeededFuture(origin);
    });
  }

  private WebAuthn4JCredentials credentials(String challenge, JsonObject credential, String loginId, String origin) {
    return new WebAuthn4JCredentials().setChallenge(challenge).setWebauthn(credential).setUsername(loginId)
        .setOrigin(origin).setDomain(settings.rpId());
  }

  /** Maps every failure to a PasskeyRefused and writes the audit line; database failures pass through. */
  private <T> Future<T> refusal(Throwable err, AuditEvent event) {
    PasskeyRefused refused = classify(err);
    if (refused == null) {
      return Future.failedFuture(err);
    }
    JsonObject detail = new JsonObject().put("reason", refused.code());
    if (refused.reason() == PasskeyRefused.Reason.COUNTER) {
      // The alarm the WebAuthn spec asks for: the same key signed with a lower counter somewhere else.
      detail.put("suspected", "cloned authenticator");
    }
    String outcome = refused.reason() == PasskeyRefused.Reason.COUNTER ? "counter_regressed" : "refused";
    return audit.record(new AuditEvent(event.memberId(), event.loginId(), event.kind(), outcome, event.ip(),
        event.userAgent(), detail)).compose(v -> Future.failedFuture(refused));
  }

  /** Any ceremony failure as a PasskeyRefused (the staff console's passkeys use it too); null for a database failure. */
  public static PasskeyRefused classify(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PasskeyRefused refused) {
        return refused;
      }
      if (t instanceof MaliciousCounterValueException) {
        return new PasskeyRefused(PasskeyRefused.Reason.COUNTER, "webauthn4j: counter did not rise");
      }
      if (t instanceof io.vertx.pgclient.PgException) {
        return null;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String message = err.getMessage() == null ? "" : err.getMessage();
    if (message.startsWith("Cannot find authenticator")) {
      return new PasskeyRefused(PasskeyRefused.Reason.NOT_RECOGNISED, "unknown credential");
    }
    return new PasskeyRefused(PasskeyRefused.Reason.INVALID, "verification failed");
  }

  public static List<String> transports(JsonObject credential) {
    List<String> out = new ArrayList<>();
    JsonObject response = credential.getJsonObject("response");
    Object value = response == null ? null : response.getValue("transports");
    if (value instanceof JsonArray array) {
      for (Object item : array) {
        if (item instanceof String s && TRANSPORTS.contains(s) && !out.contains(s)) {
          out.add(s);
        }
      }
    }
    return out;
  }

  public Future<List<Passkey>> list(long memberId) {
    return store.list(memberId);
  }

  public Future<List<String>> otherMethods(long memberId) {
    return store.otherMethods(memberId);
  }

  /** @return false when the member has no such passkey or the name is empty */
  public Future<Boolean> rename(long memberId, long passkeyId, String typedName) {
    String name = DeviceName.clean(typedName);
    return name == null ? Future.succeededFuture(false) : store.rename(memberId, passkeyId, name);
  }

  public Future<Void> remove(long memberId, String loginId, long passkeyId, AuditEvent.Client client) {
    AuditEvent event = AuditEvent.of(memberId, loginId, "passkey.remove", "ok", client);
    return store.remove(memberId, passkeyId, event);
  }

  /** The insurer's reset, recorded as event (which names the staff member) with the change: -1 when no such member. */
  public Future<Integer> removeAll(long memberId, AuditEvent event) {
    return store.removeAll(memberId, event);
  }

  /** A freshly registered passkey. */
  public record Registered(long id, String defaultName) {
  }
}
