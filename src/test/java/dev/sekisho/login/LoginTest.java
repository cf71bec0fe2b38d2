package dev.sekisho.login;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** J1.1 against a real gateway and database: login, failure, lockout, CSRF, sessions. */
class LoginTest {
  static TestGateway gateway;
  static AdminClient admin;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start(Map.of("login.maxFailures", "3"));
    admin = gateway.admin();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void memberLogsInWithIssuedPasswordAndFullWidthId() {
    String id = admin.newMember("taro");
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    String anonymousSession = browser.cookie("sekisho.sid");
    String fullWidthId = toFullWidth(id);
    HttpResponse<String> login = browser.post("/sekisho/login", Map.of("user_id", "　" + fullWidthId + " ", "password", AdminClient.RULE_PASSWORD));
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/onboarding/birthdate");
    assertThat(browser.cookie("sekisho.sid")).isNotNull().isNotEqualTo(anonymousSession);
    HttpResponse<String> home = browser.get("/sekisho/home");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains(id).contains("テスト 花子");
  }

  static String toFullWidth(String ascii) {
    StringBuilder out = new StringBuilder();
    for (char c : ascii.toCharArray()) {
      out.append(c >= '!' && c <= '~' ? (char) (c - '!' + '！') : c);
    }
    return out.toString();
  }
}
