package dev.sekisho.session;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/** The {@code session} section, plus whether cookies must be Secure (served over TLS or behind a TLS proxy). */
public record SessionSettings(String cookieName, Duration idle, Duration absolute, boolean secureCookies) {

  public static SessionSettings from(ConfigReader config) {
    String name = config.requiredString("session.cookieName");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw config.error("session.cookieName", "must be 1 to 64 letters, digits, dots, dashes or underscores", name);
    }
    return new SessionSettings(name,
        Duration.ofMinutes(config.integer("session.idleMinutes", 1, 24 * 60)),
        Duration.ofHours(config.integer("session.absoluteHours", 1, 24 * 30)),
        // Served over TLS directly: Secure without a separate setting.
        config.bool("http.secureCookies") || !config.string("http.tls.certPath").isBlank());
  }
}
