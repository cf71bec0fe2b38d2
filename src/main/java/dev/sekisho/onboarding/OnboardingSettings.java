package dev.sekisho.onboarding;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.member.Method;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code onboarding} section. */
public record OnboardingSettings(String termsVersion, boolean reacceptTerms, Duration confirmationValidity,
                                 Duration resendCooldown, List<String> methods, int setupDays,
                                 int passwordMinLength, int passwordMaxLength) {

  public static OnboardingSettings from(ConfigReader config) {
    String version = config.requiredString("onboarding.termsVersion");
    if (!version.matches("[A-Za-z0-9._-]{1,32}")) {
      throw config.error("onboarding.termsVersion", "must be a short name like v1 (letters, digits, . _ -)", version);
    }
    List<String> methods = new ArrayList<>();
    for (String code : config.strings("onboarding.methods")) {
      boolean known = false;
      for (Method m : Method.values()) {
        known |= m.code().equals(code);
      }
      if (!known) {
        throw config.error("onboarding.methods", "must list method codes among passkey, totp, email, hotp", code);
      }
      methods.add(code);
    }
    if (methods.isEmpty()) {
      throw config.error("onboarding.methods", "must offer at least one method", "[]");
    }
    int min = config.integer("onboarding.passwordMinLength", 8, 128);
    int max = config.integer("onboarding.passwordMaxLength", min, 1024);
    return new OnboardingSettings(version, config.bool("onboarding.reacceptTerms"),
        Duration.ofMinutes(config.integer("onboarding.confirmationMinutes", 1, 30 * 24 * 60)),
        Duration.ofSeconds(config.integer("onboarding.resendCooldownSeconds", 0, 3600)),
        List.copyOf(methods), config.integer("onboarding.setupDays", 1, 365), min, max);
  }
}
