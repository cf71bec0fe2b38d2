package dev.sekisho.onboarding;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.WebClientSession;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Walks a member through the onboarding pages over HTTP, asserting each step answered as a step should. */
final class OnboardingSteps {
  static final String NEW_PASSWORD = "Kanazawa-Hakone-7731";

  private OnboardingSteps() {}

  static String location(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("redirect expected, body: %s", response.body()).isEqualTo(303);
    return response.headers().firstValue("Location").orElseThrow();
  }

  /** Follows a redirect chain from a step's answer; returns the final page's path. */
  static String landing(WebClientSession browser, HttpResponse<String> response) {
    String path = location(response);
    HttpResponse<String> next = browser.get(path);
    while (next.statusCode() == 303) {
      path = next.headers().firstValue("Location").orElseThrow();
      next = browser.get(path);
    }
    return path;
  }

  static void login(WebClientSession browser, String id, String password, String expectedPath) {
    HttpResponse<String> login = browser.login(id, password);
    assertThat(location(login)).isEqualTo(expectedPath);
  }

  static void birthdate(WebClientSession browser) {
    browser.get("/sekisho/onboarding/birthdate");
    assertThat(landing(browser, browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01"))))
        .isEqualTo("/sekisho/onboarding/terms");
  }

  static void terms(WebClientSession browser) {
    browser.get("/sekisho/onboarding/terms");
    assertThat(landing(browser, browser.post("/sekisho/onboarding/terms", Map.of("agree", "yes"))))
        .isEqualTo("/sekisho/onboarding/email");
  }

  static void sendMail(WebClientSession browser, String newAddress) {
    browser.get("/sekisho/onboarding/email");
    HttpResponse<String> sent = browser.post("/sekisho/onboarding/email", Map.of("email", newAddress == null ? "" : newAddress));
    assertThat(location(sent)).isEqualTo("/sekisho/onboarding/wait?sent=1");
  }

  static String confirmLink(String address, int count, MailCatcher... catchers) {
    CaughtMail mail = Mailboxes.await(address, count, catchers);
    assertThat(mail.subject()).contains("メールアドレスの確認");
    return Mailboxes.link(mail);
  }

  /**
   * Opens the link in another browser with no session, as on a phone, and presses the button
   * the link shows (opening alone confirms nothing). A link that cannot be used shows no button:
   * its page is the answer.
   */
  static HttpResponse<String> openLink(String baseUrl, String link) {
    WebClientSession phone = new WebClientSession(baseUrl);
    HttpResponse<String> shown = phone.get(link);
    if (!shown.body().contains("id=\"confirm-button\"")) {
      return shown;
    }
    String token = link.substring(link.indexOf("token=") + 6);
    return phone.post("/sekisho/onboarding/confirm", Map.of("token", token));
  }

  static void method(WebClientSession browser, String method) {
    browser.get("/sekisho/onboarding/method");
    assertThat(landing(browser, browser.post("/sekisho/onboarding/method", Map.of("method", method))))
        .isEqualTo("/sekisho/onboarding/password");
  }

  static void password(WebClientSession browser) {
    browser.get("/sekisho/onboarding/password");
    assertThat(landing(browser, browser.post("/sekisho/onboarding/password",
        Map.of("password", NEW_PASSWORD, "password_confirm", NEW_PASSWORD)))).isEqualTo("/sekisho/onboarding/complete");
  }

  static void finish(WebClientSession browser) {
    HttpResponse<String> complete = browser.get("/sekisho/onboarding/complete");
    assertThat(complete.body()).contains("初回ログインが完了しました").contains("引続き認証方法の設定をしない場合ログインできなくなる場合がございます");
    HttpResponse<String> bye = browser.post("/sekisho/onboarding/complete", Map.of());
    assertThat(location(bye)).isEqualTo("/sekisho/onboarding/bye");
  }

  /** A new member taken through the whole onboarding with the default mail catcher; returns the ID. */
  static String onboard(dev.sekisho.testing.TestGateway gateway, AdminClient admin, String method) {
    String id = admin.newMember("ob");
    WebClientSession browser = gateway.client();
    login(browser, id, AdminClient.RULE_PASSWORD, "/sekisho/onboarding/birthdate");
    birthdate(browser);
    terms(browser);
    sendMail(browser, null);
    String link = confirmLink(id + "@example.jp", 1, Mailboxes.of(gateway));
    assertThat(openLink(gateway.baseUrl(), link).statusCode()).isEqualTo(200);
    assertThat(landing(browser, browser.get("/sekisho/onboarding/wait"))).isEqualTo("/sekisho/onboarding/method");
    method(browser, method);
    password(browser);
    finish(browser);
    return id;
  }
}
