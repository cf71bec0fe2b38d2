package dev.sekisho.metrics;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import dev.sekisho.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint of a real gateway: per-route latencies, login outcomes, pools, outbox; who may scrape. */
class MetricsTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void scrapeAfterALoginShowsTheLoginOutcomeAndRouteLatencies() throws Exception {
    String id = gateway.admin().newMember("metrics");
    HttpResponse<String> login = post(gateway, "/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode());
    assertThat(login.statusCode()).isEqualTo(200);
    HttpResponse<String> wrong = post(gateway, "/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", "wrong").encode());
    assertThat(wrong.statusCode()).isEqualTo(401);

    String text = scrape(gateway);
    assertThat(lines(text, "sekisho_login_outcomes_total{")).anySatisfy(l -> assertThat(l)
        .contains("kind=\"login.password\"").contains("outcome=\"success\"").endsWith(" 1.0"));
    assertThat(lines(text, "sekisho_login_outcomes_total{")).anySatisfy(l -> assertThat(l)
        .contains("outcome=\"invalid\""));
    // Latency per route, labelled with the matched route patterns (vertx-web joins them with '>';
    // the last is the handler's), method and status.
    assertThat(lines(text, "vertx_http_server_response_time_seconds_count{")).anySatisfy(l -> assertThat(l)
        .containsPattern("route=\"[^\"]*/sekisho/api/login\"").contains("method=\"POST\"").contains("code=\"200\""));
    assertThat(lines(text, "vertx_pool_in_use{")).anySatisfy(l -> assertThat(l).contains("pool_type=\"sql\""));
    assertThat(text).contains("sekisho_mail_outbox{status=\"pending\"}");
  }

  /**
   * After a whole journey (API login right and wrong, a second-factor check, a browser through to
   * the portal) each series an operator alerts on is there: latency histograms per route and per
   * upstream with buckets, pool and hashing waits as histograms, login and check outcomes, the
   * outbox's age; route labels are one clean pattern each; series no event touched read zero.
   */
  @Test
  void aScrapeAfterAJourneyHasEveryAlertableSeriesWithBucketsAndCleanRoutes() throws Exception {
    String id = gateway.admin().newMember("watch");
    Sql.memberSetUp(id, "totp");
    HttpResponse<String> login = post(gateway, "/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode());
    assertThat(login.statusCode()).isEqualTo(200);
    String token = new JsonObject(login.body()).getString("token");
    HttpResponse<String> check = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/sekisho/api/otp/verify"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("method", "recovery").put("code", "aaaa-bbbb-cccc")
            .encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(check.statusCode()).as(check.body()).isBetween(400, 499);
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    assertThat(browser.get("/portal/page").statusCode()).isEqualTo(200);

    String text = scrape(gateway);
    assertThat(lines(text, "vertx_http_server_response_time_seconds_bucket{")).anySatisfy(l -> assertThat(l)
        .contains("route=\"/sekisho/api/login\"").contains("le=\"0.25\""));
    assertThat(lines(text, "vertx_http_server_response_time_seconds_bucket{")).anySatisfy(l -> assertThat(l)
        .contains("route=\"upstream:/\"").contains("code=\"200\"").contains("le=\"+Inf\""));
    // One pattern per route label: never the joined chain, never empty.
    assertThat(lines(text, "vertx_http_server_")).allSatisfy(l -> assertThat(l)
        .doesNotContain(">").doesNotContain("route=\"\""));
    assertThat(lines(text, "vertx_pool_queue_time_seconds_bucket{")).anySatisfy(l -> assertThat(l)
        .contains("pool_name=\"sekisho-password-hash\""));
    assertThat(lines(text, "vertx_pool_queue_time_seconds_bucket{")).anySatisfy(l -> assertThat(l)
        .contains("pool_type=\"sql\""));
    assertThat(lines(text, "sekisho_login_outcomes_total{")).anySatisfy(l -> assertThat(l)
        .contains("kind=\"login.password\"").contains("outcome=\"success\"").doesNotEndWith(" 0.0"));
    assertThat(lines(text, "sekisho_otp_checks_total{")).anySatisfy(l -> assertThat(l)
        .contains("method=\"recovery\"").contains("outcome=\"invalid\"").endsWith(" 1.0"));
    // Present from the start at zero: nothing in this test touched them.
    assertThat(lines(text, "sekisho_otp_checks_total{")).anySatisfy(l -> assertThat(l)
        .contains("method=\"passkey\"").contains("outcome=\"locked\"").endsWith(" 0.0"));
    assertThat(lines(text, "sekisho_login_outcomes_total{")).anySatisfy(l -> assertThat(l)
        .contains("kind=\"passkey.first\"").contains("outcome=\"refused\"").endsWith(" 0.0"));
    assertThat(lines(text, "sekisho_otp_api_check_path_total{")).hasSize(3);
    assertThat(lines(text, "sekisho_mail_outbox_oldest_age_seconds")).hasSize(1);
  }

  @Test
  void onlyConfiguredAddressesMayScrapeAndTheSwitchTurnsItOff() throws Exception {
    try (TestGateway closed = TestGateway.start(Map.of("metrics.allowFrom", "10.0.0.0/8"))) {
      assertThat(get(closed, "/metrics").statusCode()).isEqualTo(403);
      // X-Forwarded-For from a trusted proxy does not open it either: the direct peer counts.
      HttpResponse<String> forwarded = http.send(HttpRequest.newBuilder(URI.create(closed.baseUrl() + "/metrics"))
          .header("X-Forwarded-For", "10.1.2.3").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(forwarded.statusCode()).isEqualTo(403);
    }
    try (TestGateway off = TestGateway.start(Map.of("metrics.enabled", "false"))) {
      HttpResponse<String> scrape = get(off, "/metrics");
      assertThat(scrape.body()).doesNotContain("vertx_http_server");
    }
  }

  private static String scrape(TestGateway g) throws Exception {
    HttpResponse<String> scrape = get(g, "/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    return scrape.body();
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static HttpResponse<String> get(TestGateway g, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(TestGateway g, String path, String json) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
