package dev.sekisho.factor.code;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/**
 * The {@code otp} section: issuer shown in authenticator apps and in the mail subject, TOTP
 * period/skew, HOTP look-ahead, email code validity and resend limits, and the second-step lock.
 */
public record OtpSettings(String issuer, int totpPeriod, int totpSkew, int hotpWindow, Duration emailValidity,
                          int emailMaxTries, Duration resendCooldown, int resendPerHour,
                          int maxFailures, Duration lock, int recoveryCodes) {

  public static OtpSettings from(ConfigReader config) {
    return new OtpSettings(
        config.requiredString("otp.issuer"),
        config.integer("otp.totpPeriodSeconds", 10, 300),
        config.integer("otp.totpSkewSteps", 0, 5),
        config.integer("otp.hotpWindow", 1, 1000),
        Duration.ofMinutes(config.integer("otp.emailValidityMinutes", 1, 60)),
        config.integer("otp.emailMaxTries", 1, 20),
        Duration.ofSeconds(config.integer("otp.resendCooldownSeconds", 0, 3600)),
        config.integer("otp.resendPerHour", 1, 100),
        config.integer("otp.maxFailures", 1, 100),
        Duration.ofMinutes(config.integer("otp.lockMinutes", 1, 24 * 60)),
        config.integer("otp.recoveryCodes", 5, 20));
  }
}
