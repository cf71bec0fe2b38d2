package dev.sekisho.gateway;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which inbound header names pose as an identity the portal might trust. Names are compared after
 * one normalisation (lower case, {@code _} read as {@code -}), because CGI/PHP
 * ({@code HTTP_X_SEKISHO_USER}), WSGI and Rack fold both to the same variable: a client's
 * {@code X_Sekisho_User} would otherwise reach the portal beside the gateway's {@code X-Sekisho-User}.
 * Besides the gateway's own identity headers, the configured list
 * ({@code gateway.strippedHeaders}) names the identity headers legacy apps commonly trust
 * ({@code X-Forwarded-User}, {@code Remote-User}, ...); an entry ending in {@code *} is a prefix.
 */
public final class PosingHeaders {
  /** The gateway's own namespace: nothing in it may come from a client. */
  private static final String NAMESPACE = "x-sekisho-";

  private final Set<String> identity = new HashSet<>();
  private final Set<String> legacy = new HashSet<>();
  private final List<String> legacyPrefixes = new ArrayList<>();

  /**
   * @param identityNames the gateway's identity header names
   * @param stripped legacy identity header names; {@code X-Auth-Request-*} is a prefix rule
   */
  PosingHeaders(List<String> identityNames, List<String> stripped) {
    identityNames.forEach(n -> identity.add(normalise(n)));
    for (String entry : stripped) {
      if (entry.endsWith("*")) {
        legacyPrefixes.add(normalise(entry.substring(0, entry.length() - 1)));
      } else {
        legacy.add(normalise(entry));
      }
    }
  }

  /** The one comparison form of a header name: lower case, {@code _} as {@code -}. */
  static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A header the portal must never get from a client: an identity look-alike, a legacy identity header, or our namespace. */
  boolean strippedBeforeThePortal(String name) {
    String normal = normalise(name);
    return normal.startsWith(NAMESPACE) || identity.contains(normal) || isLegacy(normal);
  }

  /**
   * For forward-auth, where the proxy in front forwards the client's headers itself: the exact
   * identity names are replaced by the proxy (nginx {@code proxy_set_header}, Traefik
   * {@code authResponseHeaders}, Caddy {@code copy_headers}), but a look-alike spelling or a legacy
   * identity header would pass untouched, so a request carrying one is refused.
   */
  boolean unreplaceableByTheProxy(String name, List<String> exactNames) {
    String normal = normalise(name);
    if (isLegacy(normal)) {
      return true;
    }
    if (!identity.contains(normal)) {
      return false;
    }
    for (String exact : exactNames) {
      if (exact.equalsIgnoreCase(name)) {
        return false;
      }
    }
    return true;
  }

  private boolean isLegacy(String normal) {
    if (legacy.contains(normal)) {
      return true;
    }
    for (String prefix : legacyPrefixes) {
      if (normal.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
