package dev.sekisho.ops;

import dev.sekisho.config.ConfigReader;

/**
 * The {@code management} section: where liveness, readiness and metrics are served. On their own
 * listener (loopback by default), so an orchestrator or Prometheus reaches them without the
 * public listener exposing them, and they hide no portal path of the same name; {@code public}
 * keeps them on the public listener as well (at /health, /ready, /metrics).
 */
public record ManagementSettings(String host, int port, boolean onPublicListener) {

  public static ManagementSettings from(ConfigReader config) {
    return new ManagementSettings(config.requiredString("management.host"),
        config.integer("management.port", 0, 65535), config.bool("management.public"));
  }
}
