package dev.sekisho.ops;

import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health, readiness and metrics on the management listener, by default only there: on the public
 * listener those paths are the portal's. Liveness fails when the public listener cannot serve.
 */
class ManagementListenerTest {
  static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void healthReadinessAndMetricsAreOnTheManagementListenerOnlyAndLivenessFailsWhenThePublicOneStops() throws Exception {
    try (TestGateway gateway = TestGateway.start(Map.of("management.public", "false"))) {
      String management = gateway.managementUrl();
      assertThat(get(management + "/health").statusCode()).isEqualTo(200);
      assertThat(get(management + "/ready").body()).contains("\"database\":\"UP\"");
      HttpResponse<String> scrape = get(management + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("sekisho_login_outcomes_total");
      assertThat(get(management + "/sekisho/login").statusCode()).isEqualTo(404);

      // On the public listener the same paths belong to the portal: a visitor is sent to log in.
      for (String path : new String[] {"/health", "/ready", "/metrics"}) {
        HttpResponse<String> portal = get(gateway.baseUrl() + path);
        assertThat(portal.statusCode()).as(path).isIn(302, 303);
        assertThat(portal.headers().firstValue("Location")).as(path).hasValueSatisfying(l -> assertThat(l).contains("/sekisho/login"));
      }

      // The public listener gone: the gateway cannot serve, liveness says so (readiness is the database's).
      gateway.vertx().undeploy(gateway.main().httpDeployment()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      HttpResponse<String> health = get(management + "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("DOWN").contains("public listener");
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
