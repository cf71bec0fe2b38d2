package dev.sekisho.login;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/** The {@code login} section: how many failures lock an ID or a client address, and for how long. */
public record LoginSettings(int maxFailures, Duration lock, int ipMaxFailures, Duration ipWindow) {

  public static LoginSettings from(ConfigReader config) {
    return new LoginSettings(
        config.integer("login.maxFailures", 1, 100),
        Duration.ofMinutes(config.integer("login.lockMinutes", 1, 7 * 24 * 60)),
        config.integer("login.ipMaxFailures", 1, 100_000),
        Duration.ofMinutes(config.integer("login.ipWindowMinutes", 1, 24 * 60)));
  }
}
