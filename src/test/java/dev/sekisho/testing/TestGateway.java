package dev.sekisho.testing;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.MainVerticle;
import dev.sekisho.launcher.Settings;
import dev.sekisho.metrics.Metrics;
import dev.sekisho.net.LocalPorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole gateway in this JVM, on its own Vert.x instance and port, against the shared test
 * database. Two of them share nothing but PostgreSQL, just like two gateway processes.
 */
public class TestGateway implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

  private Vertx vertx;
  private int port;
  private MainVerticle main;

  private TestGateway(Vertx vertx, int port, MainVerticle main) {
    this.vertx = vertx;
    this.port = port;
    this.main = main;
  }

  /** Not started yet: {@link GatewayExtension} starts it before the class's tests. */
  TestGateway() {
  }

  /** Starts this (unstarted) instance with the overrides. */
  void startWith(Map<String, String> overrides) {
    TestGateway started = start(overrides);
    this.vertx = started.vertx;
    this.port = started.port;
    this.main = started.main;
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  /**
   * @param overrides dotted configuration keys to values, over the test defaults. A free port
   *                  found before binding can be taken by another process in between: then the
   *                  start is retried on another one.
   */
  public static TestGateway start(Map<String, String> overrides) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(overrides);
      } catch (IllegalStateException e) {
        boolean portTaken = e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("Address already in use");
        if (!portTaken || overrides.containsKey("http.port") || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static TestGateway startOnce(Map<String, String> overrides) {
    int port = freePort();
    Map<String, String> config = new HashMap<>();
    config.put("db.url", TestDatabase.url());
    config.put("http.port", String.valueOf(port));
    config.put("http.instances", "2");
    config.put("http.publicOrigin", "http://localhost:" + port);
    // Tests act as many clients from one machine: each sends its own X-Forwarded-For.
    config.put("http.trustedProxies", "127.0.0.1");
    config.put("admin.token", ADMIN_TOKEN);
    config.put("demo.member", "false");
    // Health, readiness and metrics stay on the public listener too, where most tests read them;
    // ManagementListenerTest covers the default (management listener only).
    config.put("management.port", "0");
    config.put("management.public", "true");
    config.putAll(overrides);
    JsonObject json = ConfigLoader.load(Map.of(), config);
    Settings settings = Settings.from(json);
    // Each gateway its own metrics registry, as in separate processes.
    Vertx vertx = Metrics.vertx(settings.metrics());
    MainVerticle main = new MainVerticle(settings);
    try {
      vertx.deployVerticle(main).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("gateway did not start: " + e.getMessage(), e);
    }
    return new TestGateway(vertx, port, main);
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** The management listener's base URL (health, readiness, metrics). */
  public String managementUrl() {
    return "http://127.0.0.1:" + main.managementPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public MainVerticle main() {
    return main;
  }

  /** A fresh client with its own cookies and its own client address. */
  public WebClientSession client() {
    return new WebClientSession(baseUrl());
  }

  public AdminClient admin() {
    return new AdminClient(baseUrl(), ADMIN_TOKEN);
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not stop", e);
    }
  }

  /** LocalPorts.unused(), unchecked: a port below the ephemeral range that nothing listens on. */
  public static int freePort() {
    try {
      return LocalPorts.unused();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
