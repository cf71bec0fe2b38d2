package dev.sekisho.web;

import dev.sekisho.config.ConfigReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code http} section. With {@code http.tls.certPath} and {@code http.tls.keyPath} (PEM) the
 * gateway serves HTTPS itself; cookies are then Secure and HSTS is sent without further settings.
 */
public record WebSettings(String host, int port, int instances, String publicOrigin, boolean secureCookies,
                          int maxBodyBytes, List<String> trustedProxies, String tlsCertPath, String tlsKeyPath,
                          int shutdownGraceSeconds, ConnectionLimits limits) {

  public static WebSettings from(ConfigReader config) {
    int instances = config.integer("http.instances", 0, 256);
    String cert = config.string("http.tls.certPath").trim();
    String key = config.string("http.tls.keyPath").trim();
    if (cert.isEmpty() != key.isEmpty()) {
      String missing = cert.isEmpty() ? "http.tls.certPath" : "http.tls.keyPath";
      throw config.error(missing, "must be set together with " + (cert.isEmpty() ? "http.tls.keyPath" : "http.tls.certPath"), "");
    }
    // Checked here so a wrong path stops start-up with one line naming the key.
    if (!cert.isEmpty() && !Files.isReadable(Path.of(cert))) {
      throw config.error("http.tls.certPath", "must be a readable PEM certificate file", cert);
    }
    if (!key.isEmpty() && !Files.isReadable(Path.of(key))) {
      throw config.error("http.tls.keyPath", "must be a readable PEM private key file", key);
    }
    return new WebSettings(
        config.requiredString("http.host"),
        config.integer("http.port", 0, 65535),
        instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
        config.origin("http.publicOrigin"),
        config.bool("http.secureCookies") || !cert.isEmpty(),
        config.integer("http.maxBodyBytes", 1024, 64 * 1024 * 1024),
        AddressMatcher.fromConfig(config, "http.trustedProxies"),
        cert, key,
        // How long SIGTERM waits for in-flight requests before closing their connections.
        config.integer("http.shutdownGraceSeconds", 0, 3600),
        ConnectionLimits.from(config));
  }

  /** Whether this process serves TLS itself. */
  public boolean tls() {
    return !tlsCertPath.isEmpty();
  }
}
