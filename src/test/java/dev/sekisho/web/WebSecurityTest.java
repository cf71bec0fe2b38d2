package dev.sekisho.web;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** CSRF, cookies, headers and hostile bodies against the real gateway. */
class WebSecurityTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("http.maxBodyBytes", "4096"));

  @Test
  void aFormWithoutOrWithAWrongCsrfTokenIsRefusedAndChangesNothing() {
    String id = gateway.admin().newMember("csrf");
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    HttpResponse<String> none = browser.postRaw("/sekisho/login",
        "user_id=" + id + "&password=" + AdminClient.RULE_PASSWORD, "application/x-www-form-urlencoded");
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("有効期限が切れました");
    HttpResponse<String> wrong = browser.postRaw("/sekisho/login",
        "_csrf=forged&user_id=" + id + "&password=" + AdminClient.RULE_PASSWORD, "application/x-www-form-urlencoded");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(gateway.admin().member(id).getString("lastLoginAt")).isNull();

    browser.login(id, AdminClient.RULE_PASSWORD);
    HttpResponse<String> logout = browser.postRaw("/sekisho/logout", "", "application/x-www-form-urlencoded");
    assertThat(logout.statusCode()).isEqualTo(403);
    assertThat(browser.get("/sekisho/home").statusCode()).as("still signed in").isEqualTo(200);
  }

  @Test
  void theTokenSeenBeforeLoginIsNotValidAfterIt() {
    String id = gateway.admin().newMember("rotate");
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    String before = browser.csrf();
    browser.post("/sekisho/login", Map.of("user_id", id, "password", AdminClient.RULE_PASSWORD));
    HttpResponse<String> logout = browser.postRaw("/sekisho/logout", "_csrf=" + before, "application/x-www-form-urlencoded");
    assertThat(logout.statusCode()).isEqualTo(403);
  }

  @Test
  void sessionCookieIsHttpOnlyAndSameSiteLax() {
    HttpResponse<String> page = gateway.client().get("/sekisho/login");
    String setCookie = page.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("sekisho.sid=")).findFirst().orElseThrow();
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");
  }

  @Test
  void pagesCarrySecurityHeaders() {
    HttpResponse<String> page = gateway.client().get("/sekisho/login");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
  }

  @Test
  void anOversizedBodyGets413AndAClearPage() {
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    String huge = "user_id=" + "a".repeat(10_000) + "&password=x&_csrf=" + browser.csrf();
    HttpResponse<String> response = browser.postRaw("/sekisho/login", huge, "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("大きすぎます").doesNotContain("Exception");
  }

  @Test
  void aNonUtf8FormGets400AndAClearPage() {
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    byte[] body = ("_csrf=" + browser.csrf() + "&user_id=%FF%FEabc&password=x").getBytes(StandardCharsets.US_ASCII);
    HttpResponse<String> response = browser.postBytes("/sekisho/login", body, "application/x-www-form-urlencoded");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("使用できない文字");
  }

  @Test
  void englishIsOneClickAway() {
    WebClientSession browser = gateway.client();
    assertThat(browser.get("/sekisho/login?lang=en").body()).contains("Log in").contains("User ID");
    assertThat(browser.get("/sekisho/login").body()).as("remembered").contains("User ID");
  }

  @Test
  void healthAndReadinessAnswer() {
    assertThat(gateway.client().get("/health").body()).contains("UP");
    HttpResponse<String> ready = gateway.client().get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"database\":\"UP\"");
  }

  @Test
  void unknownPagesGetA404PageWithoutStackTrace() {
    HttpResponse<String> response = gateway.client().get("/sekisho/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("見つかりません");
  }
}
