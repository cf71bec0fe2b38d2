package dev.sekisho.web;

import dev.sekisho.config.ConfigReader;

import java.util.List;

/** The {@code http} section. */
public record WebSettings(String host, int port, int instances, String publicOrigin, boolean secureCookies,
                          int maxBodyBytes, List<String> trustedProxies, int shutdownGraceSeconds) {

  public static WebSettings from(ConfigReader config) {
    int instances = config.integer("http.instances", 0, 256);
    return new WebSettings(
        config.requiredString("http.host"),
        config.integer("http.port", 0, 65535),
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        config.origin("http.publicOrigin"),
        config.bool("http.secureCookies"),
        config.integer("http.maxBodyBytes", 1024, 64 * 1024 * 1024),
        config.strings("http.trustedProxies"),
        // How long SIGTERM waits for in-flight requests before closing their connections.
        config.integer("http.shutdownGraceSeconds", 0, 3600));
  }
}
