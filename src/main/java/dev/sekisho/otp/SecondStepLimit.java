package dev.sekisho.otp;

import dev.sekisho.login.LoginThrottle;
import io.vertx.core.Future;

import java.util.List;

/**
 * The per-member limit on wrong second-factor codes, separate from the password limit: its own
 * subject {@code otp:<memberId>} in the shared throttle table, so every gateway process counts together.
 */
public final class SecondStepLimit {
  private final LoginThrottle throttle;
  private final OtpSettings settings;

  public SecondStepLimit(LoginThrottle throttle, OtpSettings settings) {
    this.throttle = throttle;
    this.settings = settings;
  }

  public static String subject(long memberId) {
    return "otp:" + memberId;
  }

  public Future<Boolean> locked(long memberId) {
    return throttle.anyLocked(List.of(subject(memberId)));
  }

  /** Counts a wrong code; answers LOCKED when this failure locked the step, else INVALID. */
  public Future<CheckResult> fail(long memberId) {
    return throttle.recordFailure(subject(memberId), settings.maxFailures(), settings.lock(), settings.lock())
        .map(locked -> locked ? CheckResult.LOCKED : CheckResult.INVALID);
  }

  public Future<Void> clear(long memberId) {
    return throttle.clear(subject(memberId));
  }
}
