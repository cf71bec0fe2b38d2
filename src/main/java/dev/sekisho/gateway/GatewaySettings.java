package dev.sekisho.gateway;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.rules.AccessRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code gateway} section. Upstreams are a list of {@code {"prefix": "/", "url": "http://host:port"}}
 * objects, or (handy in an environment variable) text items {@code "/=http://host:port"}.
 */
public record GatewaySettings(List<Upstream> upstreams, Duration connectTimeout, Duration responseTimeout,
                              IdentityHeaders headers, boolean demoEnabled, int demoPort,
                              Set<String> websocketOrigins, AccessRules rules) {

  public static GatewaySettings from(ConfigReader config) {
    return new GatewaySettings(upstreams(config),
        Duration.ofMillis(config.integer("gateway.connectTimeoutMs", 100, 120_000)),
        Duration.ofMillis(config.integer("gateway.responseTimeoutMs", 100, 3_600_000)),
        IdentityHeaders.from(config),
        config.bool("gateway.demoUpstream.enabled"),
        config.integer("gateway.demoUpstream.port", 0, 65535),
        websocketOrigins(config), AccessRules.from(config));
  }

  /**
   * Whether a WebSocket upgrade may go on: a browser always sends the page's {@code Origin}, and
   * SameSite=Lax does not keep the session cookie from a sibling site's page, so only the allowed
   * origins pass. A client without {@code Origin} is no browser page, and so no cross-site attack.
   */
  public boolean allowsWebSocketFrom(String origin) {
    return origin == null || websocketOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
  }

  /** The configured origins, or the public origin, in the form browsers send: lower case, no default port. */
  private static Set<String> websocketOrigins(ConfigReader config) {
    List<String> configured = config.strings("gateway.websocketOrigins");
    List<String> origins = configured.isEmpty() ? List.of(config.origin("http.publicOrigin")) : configured;
    Set<String> out = new HashSet<>();
    for (String origin : origins) {
      try {
        URI uri = URI.create(origin);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean defaultPort = uri.getPort() == -1 || (scheme.equals("http") && uri.getPort() == 80)
            || (scheme.equals("https") && uri.getPort() == 443);
        if (!scheme.matches("https?") || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())
            || uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
          throw new IllegalArgumentException();
        }
        out.add(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + uri.getPort()));
      } catch (IllegalArgumentException e) {
        throw config.error("gateway.websocketOrigins", "must hold origins like https://portal.example.jp", origin);
      }
    }
    return Set.copyOf(out);
  }

  private static List<Upstream> upstreams(ConfigReader config) {
    Object value = config.json().getJsonObject("gateway", new JsonObject()).getValue("upstreams");
    if (!(value instanceof JsonArray array)) {
      throw config.error("gateway.upstreams", "must be a list of {\"prefix\", \"url\"}", value);
    }
    List<Upstream> out = new ArrayList<>();
    for (Object item : array) {
      try {
        if (item instanceof JsonObject o && o.getValue("prefix") instanceof String p && o.getValue("url") instanceof String u
            && (o.getValue("host") == null || o.getValue("host") instanceof String)) {
          out.add(Upstream.of(o.getString("host"), p.trim(), u));
        } else if (item instanceof String s && s.contains("=")) {
          // "/app=http://..." or, for one site only, "app.example.jp/app=http://...".
          String target = s.substring(0, s.indexOf('=')).trim();
          String host = target.startsWith("/") || !target.contains("/") ? null : target.substring(0, target.indexOf('/'));
          out.add(Upstream.of(host, host == null ? target : target.substring(host.length()), s.substring(s.indexOf('=') + 1)));
        } else {
          throw new IllegalArgumentException("each item must be {\"prefix\", \"url\"} or \"prefix=url\"");
        }
      } catch (IllegalArgumentException e) {
        throw config.error("gateway.upstreams", e.getMessage(), item);
      }
    }
    return List.copyOf(out);
  }

  /** The upstreams in force: the configured ones, or the demo upstream at "/" when none is configured. */
  public List<Upstream> effectiveUpstreams(Integer demoUpstreamPort) {
    if (!upstreams.isEmpty() || demoUpstreamPort == null) {
      // A site's own upstreams before those for any site, then the longest prefix first, so "/app" wins over "/".
      return upstreams.stream().sorted(java.util.Comparator.comparing((Upstream u) -> u.site() == null)
          .thenComparing(u -> -u.prefix().length())).toList();
    }
    return List.of(Upstream.of("/", "http://127.0.0.1:" + demoUpstreamPort));
  }
}
