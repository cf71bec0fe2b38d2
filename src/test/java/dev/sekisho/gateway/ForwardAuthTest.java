package dev.sekisho.gateway;

import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward-auth endpoint itself, Traefik/Caddy style (redirect mode), and the rule that the
 * original URL is believed only from a configured trusted proxy.
 */
class ForwardAuthTest {
  @RegisterExtension
  static final GatewayExtension trusting = GatewayExtension.defaults();
  @RegisterExtension
  static final GatewayExtension untrusting = GatewayExtension.with(Map.of("http.trustedProxies", "192.0.2.1"));

  @Test
  void verifyAnswers200WithIdentityOr401() {
    WebClientSession browser = trusting.client();
    assertThat(browser.get("/sekisho/auth/verify").statusCode()).isEqualTo(401);
    String id = SignedIn.member(trusting, browser, "hotp");
    HttpResponse<String> ok = browser.send(browser.request("/sekisho/auth/verify").method("POST",
        java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertThat(ok.statusCode()).as("any method, no CSRF: nginx asks with the original one").isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Sekisho-User")).contains(id);
    assertThat(URLDecoder.decode(ok.headers().firstValue("X-Sekisho-Name").orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("テスト 花子");
    assertThat(ok.headers().firstValue("X-Sekisho-Method")).contains("hotp");
    assertThat(ok.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  void verifyRefusesLookAlikeAndLegacyIdentityHeadersTheProxyWouldPassOn() {
    WebClientSession browser = trusting.client();
    String id = SignedIn.member(trusting, browser, "totp");
    for (String[] header : new String[][] {{"X_Sekisho_User", "admin"}, {"x-sekisho_email", "evil@example"},
        {"X-Forwarded-User", "admin"}, {"Remote-User", "admin"}, {"X-Forwarded-Groups", "admins"},
        {"X-Auth-Request-Preferred-Username", "admin"}}) {
      HttpResponse<String> refused = browser.send(browser.request("/sekisho/auth/verify")
          .header(header[0], header[1]).GET().build());
      assertThat(refused.statusCode()).as(header[0]).isEqualTo(403);
      assertThat(refused.headers().firstValue("X-Sekisho-User")).as(header[0]).isEmpty();
      assertThat(refused.body()).contains("identity_header_refused");
    }
    // The exact names are replaced by the proxy (nginx proxy_set_header, Traefik authResponseHeaders).
    HttpResponse<String> ok = browser.send(browser.request("/sekisho/auth/verify").header("X-Sekisho-User", "admin").GET().build());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Sekisho-User")).contains(id);
  }

  @Test
  void verifyRefusesAWebSocketOpeningFromAForeignOrigin() {
    WebClientSession browser = trusting.client();
    SignedIn.member(trusting, browser, "totp");
    // What nginx passes on for a WebSocket opening: the key and the page's origin, not Upgrade.
    HttpResponse<String> foreign = browser.send(browser.request("/sekisho/auth/verify")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Origin", "https://evil.example").GET().build());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("origin_refused");
    HttpResponse<String> own = browser.send(browser.request("/sekisho/auth/verify")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Origin", trusting.baseUrl()).GET().build());
    assertThat(own.statusCode()).isEqualTo(200);
  }

  @Test
  void redirectModeRemembersTheOriginalUrlFromATrustedProxy() {
    WebClientSession browser = trusting.client();
    HttpResponse<String> redirect = browser.send(browser.request("/sekisho/auth/verify?mode=redirect")
        .header("X-Forwarded-Uri", "/claims/2026?tab=dental").header("X-Forwarded-Method", "GET").GET().build());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location")).contains("/sekisho/login");
    String id = trusting.admin().newMember("fa");
    assertThat(SignedIn.complete(trusting, browser, id, "totp").headers().firstValue("Location"))
        .contains("/claims/2026?tab=dental");

    // A full X-Original-URL gives only its path: never another site.
    WebClientSession other = trusting.client();
    other.send(other.request("/sekisho/auth/verify").header("X-Sekisho-Auth-Mode", "redirect")
        .header("X-Original-URL", "https://evil.example/steal?x=1").GET().build());
    String id2 = trusting.admin().newMember("fa");
    assertThat(SignedIn.complete(trusting, other, id2, "totp").headers().firstValue("Location")).contains("/steal?x=1");
  }

  @Test
  void originalUrlFromAnUntrustedCallerIsIgnored() {
    WebClientSession browser = untrusting.client();
    HttpResponse<String> redirect = browser.send(browser.request("/sekisho/auth/verify?mode=redirect")
        .header("X-Original-URI", "/claims/secret").GET().build());
    assertThat(redirect.statusCode()).isEqualTo(302);
    String id = untrusting.admin().newMember("fu");
    assertThat(SignedIn.complete(untrusting, browser, id, "totp").headers().firstValue("Location")).contains("/");
  }
}
