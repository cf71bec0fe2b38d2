package dev.sekisho.login;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/**
 * The {@code login} section: how many failures lock an ID or a client address, for how long, the
 * bound on consecutive failures that holds an account until a success or the insurer's unlock, and
 * the exponential back-off before the lock (used by every guessing point through {@link LoginThrottle}).
 */
public record LoginSettings(int maxFailures, Duration lock, int ipMaxFailures, Duration ipWindow,
                            LoginThrottle.Backoff backoff, int ipBackoffAfter, int mailPerMemberPerHour,
                            int mailPerAddressPerHour, int maxConsecutiveFailures) {

  public static LoginSettings from(ConfigReader config) {
    Duration base = Duration.ofSeconds(config.integer("login.backoffBaseSeconds", 1, 3600));
    Duration max = Duration.ofSeconds(config.integer("login.backoffMaxSeconds", 1, 24 * 3600));
    if (max.compareTo(base) < 0) {
      throw config.error("login.backoffMaxSeconds", "must be at least login.backoffBaseSeconds", String.valueOf(max.toSeconds()));
    }
    return new LoginSettings(
        config.integer("login.maxFailures", 1, 100),
        Duration.ofMinutes(config.integer("login.lockMinutes", 1, 7 * 24 * 60)),
        config.integer("login.ipMaxFailures", 1, 100_000),
        Duration.ofMinutes(config.integer("login.ipWindowMinutes", 1, 24 * 60)),
        new LoginThrottle.Backoff(config.integer("login.backoffAfter", 0, 100), base, max),
        config.integer("login.ipBackoffAfter", 0, 100_000),
        config.integer("login.mailPerMemberPerHour", 1, 1000),
        config.integer("login.mailPerAddressPerHour", 1, 100_000),
        // At most 100: NIST SP 800-63B 5.2.2 allows no more consecutive failures at one account.
        config.integer("login.maxConsecutiveFailures", 1, LoginThrottle.DEFAULT_HOLD_AFTER));
  }

  public SendLimit sendLimit(LoginThrottle throttle) {
    return new SendLimit(throttle, mailPerMemberPerHour, mailPerAddressPerHour);
  }

  public LoginThrottle.AddressLimit addressLimit() {
    return new LoginThrottle.AddressLimit(ipMaxFailures, ipWindow, lock, ipBackoffAfter);
  }
}
