package dev.sekisho.launcher;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default run: the gateway starts its own embedded PostgreSQL, creates the demo member,
 * stops the database with itself, and a second start reuses the data.
 */
class EmbeddedRunTest {

  @Test
  void startsOnItsOwnDatabaseAndASecondStartReusesTheData(@TempDir Path dir) throws Exception {
    dir.toFile().setExecutable(true, false);
    int port = TestGateway.freePort();
    Map<String, String> config = Map.of("db.embedded.dataDir", dir.resolve("pg").toString(),
        "http.port", String.valueOf(port), "http.instances", "1", "http.trustedProxies", "127.0.0.1");

    runOnce(config, port, true);
    assertThat(dir.resolve("pg").resolve("postmaster.pid")).as("database stopped with the gateway").doesNotExist();
    runOnce(config, port, false);
  }

  private void runOnce(Map<String, String> config, int port, boolean firstRun) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      MainVerticle main = new MainVerticle(Settings.from(ConfigLoader.load(Map.of(), config)));
      vertx.deployVerticle(main).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
      WebClientSession browser = new WebClientSession("http://localhost:" + port);
      if (firstRun) {
        assertThat(browser.login("demo", "12345619800401").statusCode()).isEqualTo(303);
        browser.get("/sekisho/home");
        // The development run (embedded database and mail, no admin.token) generates a token: the
        // admin API is on and refuses a wrong one (401), where any other run without one is off (404).
        assertThat(AdminClient.withToken("http://localhost:" + port, "wrong-token-0123456789abcdef")
            .call("GET", "/members", null, null).statusCode()).isEqualTo(401);
      } else {
        // The demo member still has its last login from the first run: the data was kept.
        assertThat(browser.login("demo", "12345619800401").statusCode()).isEqualTo(303);
        assertThat(browser.get("/sekisho/home").body()).contains("demo");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
