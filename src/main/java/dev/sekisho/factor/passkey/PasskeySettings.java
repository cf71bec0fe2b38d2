package dev.sekisho.factor.passkey;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code webauthn} section. The relying-party id and the origins are explicit: webauthn4j
 * compares the origin in the browser's client data with one exact value (scheme, host, port), so
 * the gateway must know every public origin members use; an empty list means http.publicOrigin.
 */
public record PasskeySettings(String rpId, String rpName, List<String> origins, String attestation,
                              Duration timeout, Duration challengeTtl, int maxPerMember,
                              boolean passkeyFirst) {

  public static PasskeySettings from(ConfigReader config, String publicOrigin) {
    String rpId = config.requiredString("webauthn.rpId").toLowerCase(Locale.ROOT);
    if (!rpId.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
      throw config.error("webauthn.rpId", "must be a domain name like portal.example.jp (no scheme, no port)", rpId);
    }
    List<String> origins = config.strings("webauthn.origins");
    for (int i = 0; i < origins.size(); i++) {
      validateOrigin(config, origins.get(i), rpId);
    }
    if (origins.isEmpty()) {
      origins = List.of(publicOrigin);
      validateOrigin(config, publicOrigin, rpId);
    }
    String attestation = config.requiredString("webauthn.attestation").toLowerCase(Locale.ROOT);
    if (!List.of("none", "indirect", "direct", "enterprise").contains(attestation)) {
      throw config.error("webauthn.attestation", "must be none, indirect, direct or enterprise", attestation);
    }
    return new PasskeySettings(rpId, config.requiredString("webauthn.rpName"), List.copyOf(origins), attestation,
        Duration.ofSeconds(config.integer("webauthn.timeoutSeconds", 30, 600)),
        Duration.ofMinutes(config.integer("webauthn.challengeMinutes", 1, 30)),
        config.integer("webauthn.maxPerMember", 1, 100),
        config.bool("webauthn.passkeyFirst"));
  }

  /** The origin's host must be the rpId or a subdomain of it, or browsers refuse every ceremony. */
  private static void validateOrigin(ConfigReader config, String origin, String rpId) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(origin);
    } catch (IllegalArgumentException e) {
      throw config.error("webauthn.origins", "must hold origins like https://portal.example.jp", origin);
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean shape = ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
        && (uri.getPath() == null || uri.getPath().isEmpty()) && uri.getQuery() == null;
    if (!shape) {
      throw config.error("webauthn.origins", "must hold origins like https://portal.example.jp (scheme, host, port)", origin);
    }
    if (!host.equals(rpId) && !host.endsWith("." + rpId)) {
      throw config.error("webauthn.origins", "host must be webauthn.rpId (" + rpId + ") or a subdomain of it", origin);
    }
  }
}
