package dev.sekisho.faults;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.db.Migrations;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped under load, then started again on the same data directory and port: every
 * request during the outage is answered 503 (a page for browsers, the JSON error for the APIs)
 * within db.timeoutMs plus a margin, readiness says DOWN while liveness stays UP, nothing is
 * half-written, and once PostgreSQL is back the same gateway serves the same sessions again.
 */
class DatabaseOutageTest {
  private static final int TIMEOUT_MS = 1500;
  /** Generous: the point is "no hang", not a latency figure. */
  private static final long BOUND_MS = TIMEOUT_MS + 8000;

  @Test
  void requestsFailFastWith503WhileTheDatabaseIsDownAndTheGatewayRecoversWithoutARestart() throws Exception {
    Path dir = Files.createTempDirectory("sekisho-outage-");
    dir.toFile().setExecutable(true, false);
    dir.toFile().setReadable(true, false);
    Path data = dir.resolve("data");
    int pgPort = TestGateway.freePort();
    EmbeddedPostgres pg = EmbeddedPostgres.start(data, pgPort, "sekisho");
    try {
      DatabaseTarget target = DatabaseTarget.of(pg);
      Migrations.apply(target);
      String url = "postgresql://" + pg.user() + ":" + pg.password() + "@127.0.0.1:" + pgPort + "/sekisho";
      try (TestGateway gateway = TestGateway.start(Map.of("db.url", url, "db.timeoutMs", String.valueOf(TIMEOUT_MS)))) {
        AdminClient admin = gateway.admin();
        String id = admin.newMember("outage");
        WebClientSession browser = gateway.client();
        assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
        assertThat(browser.get("/sekisho/onboarding/birthdate").statusCode()).isEqualTo(200);
        String apiToken = new JsonObject(apiLogin(gateway.client(), id).body()).getString("token");
        assertThat(apiToken).isNotBlank();
        assertThat(gateway.client().get("/ready").statusCode()).isEqualTo(200);

        pg.close();

        // Under load: many clients at once, on every kind of route that needs the database.
        List<Supplier<Check>> checks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          checks.add(() -> page("member page", browser.get("/sekisho/onboarding/birthdate")));
          checks.add(() -> page("onboarding step", browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01"))));
          checks.add(() -> page("login page", gateway.client().get("/sekisho/login")));
          checks.add(() -> page("proxied page", browser.get("/")));
          checks.add(() -> json("api login", apiLogin(gateway.client(), id)));
          checks.add(() -> json("otp check", gateway.client().send(gateway.client().request("/sekisho/api/otp/verify")
              .header("Authorization", "Bearer " + apiToken).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"123456\"}")).build())));
          checks.add(() -> json("admin api", admin.call("GET", "/members/" + id, null, null)));
          checks.add(() -> new Check("ready", gateway.client().get("/ready"), 0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
          List<Future<Check>> running = new ArrayList<>();
          for (Supplier<Check> check : checks) {
            running.add(pool.submit(() -> {
              long started = System.nanoTime();
              Check done = check.get();
              return new Check(done.what, done.response, (System.nanoTime() - started) / 1_000_000);
            }));
          }
          for (Future<Check> f : running) {
            Check c = f.get();
            assertThat(c.response.statusCode()).as(c.what + ": " + c.response.body()).isEqualTo(503);
            assertThat(c.millis).as(c.what + " answered within the bound").isLessThan(BOUND_MS);
          }
        } finally {
          pool.shutdownNow();
        }
        HttpResponse<String> ready = gateway.client().get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(ready.body()).getString("database")).isEqualTo("DOWN");
        assertThat(gateway.client().get("/health").statusCode()).as("liveness stays UP").isEqualTo(200);

        // PostgreSQL back on the same data directory and port: the same gateway recovers.
        pg = EmbeddedPostgres.start(data, pgPort, "sekisho");
        long deadline = System.currentTimeMillis() + 60_000;
        while (gateway.client().get("/ready").statusCode() != 200) {
          assertThat(System.currentTimeMillis()).as("ready again").isLessThan(deadline);
          Thread.sleep(200);
        }
        // No half-written state: the step posted during the outage did not happen ...
        assertThat(onboardingState(target, id)).isEqualTo("issued");
        // ... and the member's session from before the outage still works, and so does the step now.
        HttpResponse<String> again = browser.get("/sekisho/onboarding/birthdate");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01")).statusCode()).isEqualTo(303);
        assertThat(onboardingState(target, id)).isNotEqualTo("issued");
        assertThat(apiLogin(gateway.client(), id).statusCode()).isEqualTo(200);
        assertThat(admin.call("GET", "/members/" + id, null, null).statusCode()).isEqualTo(200);
      }
    } finally {
      pg.close();
    }
  }

  private record Check(String what, HttpResponse<String> response, long millis) {}

  private static Check page(String what, HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("text/html");
    assertThat(response.body()).as(what).contains("ただいまサービスを一時的に利用できません");
    return new Check(what, response, 0);
  }

  private static Check json(String what, HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type").orElse("")).as(what).startsWith("application/json");
    assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).as(what).isEqualTo("unavailable");
    return new Check(what, response, 0);
  }

  private static HttpResponse<String> apiLogin(WebClientSession client, String id) {
    return client.postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
  }

  private static String onboardingState(DatabaseTarget t, String loginId) throws Exception {
    try (Connection c = DriverManager.getConnection(t.jdbcUrl(), t.user(), t.password());
         PreparedStatement s = c.prepareStatement("select onboarding_state from member where login_id = ?")) {
      s.setString(1, loginId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }
}
