package dev.sekisho.security;

import dev.sekisho.testing.GatewayExtension;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client asking to upgrade a cleartext connection to HTTP/2 (java.net.http does by default) is
 * answered in HTTP/1.1. The gateway does not speak h2c: with it, an oversized header on an API call
 * hung the request for half a minute and ended in a 500, and the proxy library mishandles h2c errors.
 */
class CleartextHttp2Test {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();

  @Test
  void anUpgradeRequestIsAnsweredInHttp11AndAHugeHeaderIsRefusedAtOnce() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

    HttpResponse<String> huge = client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/sekisho/api/otp/verify"))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + "A".repeat(64 * 1024))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"123456\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(huge.statusCode()).isBetween(400, 499);
  }
}
