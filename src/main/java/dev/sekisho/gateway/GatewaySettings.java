package dev.sekisho.gateway;

import dev.sekisho.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code gateway} section. Upstreams are a list of {@code {"prefix": "/", "url": "http://host:port"}}
 * objects, or (handy in an environment variable) text items {@code "/=http://host:port"}.
 */
public record GatewaySettings(List<Upstream> upstreams, Duration connectTimeout, Duration responseTimeout,
                              IdentityHeaders headers, boolean demoEnabled, int demoPort) {

  public static GatewaySettings from(ConfigReader config) {
    return new GatewaySettings(upstreams(config),
        Duration.ofMillis(config.integer("gateway.connectTimeoutMs", 100, 120_000)),
        Duration.ofMillis(config.integer("gateway.responseTimeoutMs", 100, 3_600_000)),
        IdentityHeaders.from(config),
        config.bool("gateway.demoUpstream.enabled"),
        config.integer("gateway.demoUpstream.port", 0, 65535));
  }

  private static List<Upstream> upstreams(ConfigReader config) {
    Object value = config.json().getJsonObject("gateway", new JsonObject()).getValue("upstreams");
    if (!(value instanceof JsonArray array)) {
      throw config.error("gateway.upstreams", "must be a list of {\"prefix\", \"url\"}", value);
    }
    List<Upstream> out = new ArrayList<>();
    for (Object item : array) {
      try {
        if (item instanceof JsonObject o && o.getValue("prefix") instanceof String p && o.getValue("url") instanceof String u) {
          out.add(Upstream.of(p.trim(), u));
        } else if (item instanceof String s && s.contains("=")) {
          out.add(Upstream.of(s.substring(0, s.indexOf('=')).trim(), s.substring(s.indexOf('=') + 1)));
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
      // Longest prefix first, so "/app" wins over "/".
      return upstreams.stream().sorted((a, b) -> b.prefix().length() - a.prefix().length()).toList();
    }
    return List.of(Upstream.of("/", "http://127.0.0.1:" + demoUpstreamPort));
  }
}
