package dev.sekisho.factor.code;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.login.LoginThrottle;
import io.vertx.core.Future;

import java.util.List;
import java.util.function.Supplier;

/**
 * The per-member limit on wrong second-factor codes (TOTP, HOTP, email, recovery), separate from
 * the password limit: its own subject {@code otp:<memberId>} in the shared throttle table, so every
 * gateway process counts together, with the throttle's exponential back-off. On top of it, every
 * check goes through {@link #fromAddress}, which applies the client-address limit shared with the
 * password and birthdate steps.
 */
public final class SecondStepLimit {
  private final LoginThrottle throttle;
  private final OtpSettings settings;

  public SecondStepLimit(LoginThrottle throttle, OtpSettings settings) {
    this.throttle = throttle;
    this.settings = settings;
  }

  public static String subject(long memberId) {
    return LoginThrottle.otpSubject(memberId);
  }

  public Future<Boolean> locked(long memberId) {
    return throttle.anyLocked(List.of(subject(memberId)));
  }

  /** Locked or held now, a back-off wait not counted (see {@link LoginThrottle#anyLockedOrHeld}). */
  public Future<Boolean> lockedOrHeld(long memberId) {
    return throttle.anyLockedOrHeld(List.of(subject(memberId)));
  }

  /** Counts a wrong code; answers LOCKED when this failure locked the step (or started a wait), else INVALID. */
  public Future<CheckResult> fail(long memberId) {
    return throttle.recordFailure(subject(memberId), settings.maxFailures(), settings.lock(), settings.lock())
        .map(locked -> locked ? CheckResult.LOCKED : CheckResult.INVALID);
  }

  public Future<Void> clear(long memberId) {
    return throttle.clear(subject(memberId));
  }

  /**
   * Runs a code check only when the client address is not held back, and counts a wrong code
   * against the address too: one address cannot spread its guesses over many members.
   */
  public Future<CheckResult> fromAddress(String ip, Supplier<Future<CheckResult>> check) {
    return throttle.anyLocked(List.of(LoginThrottle.ipSubject(ip))).compose(held -> {
      if (held) {
        return Future.succeededFuture(CheckResult.LOCKED);
      }
      return check.get().compose(result -> result != CheckResult.INVALID ? Future.succeededFuture(result)
          : throttle.recordAddressFailure(ip).map(nowHeld -> nowHeld ? CheckResult.LOCKED : CheckResult.INVALID));
    });
  }
}
