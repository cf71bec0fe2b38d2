package dev.sekisho.staff;

import dev.sekisho.login.LoginSettings;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.List;

/**
 * Staff sign-in: user ID, password and TOTP code together. Failures count against the staff ID
 * and the address with the members' throttle and limits ({@code login.maxFailures},
 * {@code login.lockMinutes}), so staff get the same lockout; a wrong ID, password or code all
 * answer the same, and an unknown ID costs a (decoy) password check like a known one.
 */
public final class StaffSignIn {
  public enum Outcome { OK, INVALID, LOCKED }

  private final StaffStore store;
  private final StaffTotp totp;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final LoginSettings settings;
  private final Clock clock;

  public StaffSignIn(StaffStore store, StaffTotp totp, PasswordHasher hasher, LoginThrottle throttle,
                     LoginSettings settings, Clock clock) {
    this.store = store;
    this.totp = totp;
    this.hasher = hasher;
    this.throttle = throttle;
    this.settings = settings;
    this.clock = clock;
  }

  public static String subject(String staffId) {
    return "staff:" + staffId;
  }

  public Future<Outcome> signIn(String staffId, String password, String code, String ip) {
    String subject = subject(staffId);
    return throttle.anyLocked(List.of(subject, LoginThrottle.ipSubject(ip))).compose(locked -> {
      if (locked) {
        return Future.succeededFuture(Outcome.LOCKED);
      }
      return store.credentials(staffId).compose(found -> {
        boolean usable = found != null && found.active() && found.sealedKey() != null;
        return hasher.verify(password, usable ? found.passwordHash() : null).compose(passwordOk -> {
          long step = passwordOk ? codeStep(staffId, found, code) : -1;
          if (step < 0) {
            return failed(subject, ip);
          }
          return store.signedIn(staffId, step).compose(fresh -> fresh
              ? throttle.clear(subject).map(Outcome.OK)
              // The code's step was used already: a replayed code counts as a wrong one.
              : failed(subject, ip));
        });
      });
    });
  }

  /**
   * The password step of a passkey sign-in: OK only for an active, set-up account with at least one
   * passkey, so the password never stands alone. Failures count as for the one-form sign-in; the
   * passkey that follows clears or counts again ({@link #passkeyDone}).
   */
  public Future<Outcome> passwordBeforePasskey(String staffId, String password, String ip, Future<Integer> passkeys) {
    String subject = subject(staffId);
    return throttle.anyLocked(List.of(subject, LoginThrottle.ipSubject(ip))).compose(locked -> {
      if (locked) {
        return Future.succeededFuture(Outcome.LOCKED);
      }
      return Future.all(store.credentials(staffId), passkeys).compose(both -> {
        StaffStore.Credentials found = both.resultAt(0);
        int keys = both.resultAt(1);
        boolean usable = found != null && found.active() && found.sealedKey() != null && keys > 0;
        return hasher.verify(password, usable ? found.passwordHash() : null)
            .compose(passwordOk -> passwordOk ? Future.succeededFuture(Outcome.OK) : failed(subject, ip));
      });
    });
  }

  /** Whether the staff ID or the address is locked now (checked again before the passkey is verified). */
  public Future<Boolean> locked(String staffId, String ip) {
    return throttle.anyLocked(List.of(subject(staffId), LoginThrottle.ipSubject(ip)));
  }

  /** After the passkey: a success clears the failure count and records the sign-in; a failure counts. */
  public Future<Outcome> passkeyDone(String staffId, boolean verified, String ip) {
    String subject = subject(staffId);
    if (!verified) {
      return failed(subject, ip);
    }
    return store.signedInWithPasskey(staffId)
        .compose(active -> active ? throttle.clear(subject).map(Outcome.OK) : Future.succeededFuture(Outcome.INVALID));
  }

  private long codeStep(String staffId, StaffStore.Credentials found, String code) {
    byte[] key = totp.open(staffId, found.keyId(), found.sealedKey());
    return StaffTotp.matchingStep(key, code, clock.instant().getEpochSecond());
  }

  private Future<Outcome> failed(String subject, String ip) {
    return throttle.recordFailure(subject, settings.maxFailures(), settings.lock(), settings.lock())
        .compose(lockedNow -> throttle.recordAddressFailure(ip)
            .map(addressLocked -> lockedNow || addressLocked ? Outcome.LOCKED : Outcome.INVALID));
  }
}
