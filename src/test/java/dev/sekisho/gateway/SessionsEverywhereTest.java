package dev.sekisho.gateway;

import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway processes sharing PostgreSQL: ending a session on one is refused on the other at the next request. */
class SessionsEverywhereTest {
  @RegisterExtension
  static final GatewayExtension first = GatewayExtension.defaults();
  @RegisterExtension
  static final GatewayExtension second = GatewayExtension.defaults();

  @Test
  void sessionEndedByTheAdminIsRefusedOnTheSecondProcess() {
    WebClientSession browser = first.client();
    String id = SignedIn.member(first, browser, "totp");
    WebClientSession sameBrowser = browser.sameBrowserAt(second.baseUrl());
    assertThat(sameBrowser.get("/demo/headers").statusCode()).isEqualTo(200);
    assertThat(verify(sameBrowser).statusCode()).isEqualTo(200);

    HttpResponse<String> ended = first.admin().call("POST", "/members/" + id + "/sessions/end", null, null);
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(ended.body()).contains("\"sessionsEnded\":1");

    HttpResponse<String> proxied = sameBrowser.get("/demo/headers");
    assertThat(proxied.statusCode()).isEqualTo(303);
    assertThat(proxied.headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(verify(sameBrowser).statusCode()).isEqualTo(401);
    assertThat(browser.get("/demo/headers").statusCode()).isEqualTo(303);
  }

  @Test
  void logoutOnOneProcessIsRefusedOnTheOther() {
    WebClientSession browser = first.client();
    SignedIn.member(first, browser, "totp");
    String cookie = browser.cookie("sekisho.sid");
    WebClientSession copy = browser.sameBrowserAt(second.baseUrl());
    assertThat(copy.get("/").statusCode()).isEqualTo(200);
    browser.get("/sekisho/account");
    HttpResponse<String> logout = browser.post("/sekisho/logout", Map.of());
    assertThat(logout.statusCode()).isEqualTo(303);
    // The copy still sends the old cookie: the session is gone from PostgreSQL, so it is refused.
    assertThat(copy.cookie("sekisho.sid")).isEqualTo(cookie);
    assertThat(copy.get("/").statusCode()).isEqualTo(303);
    assertThat(verify(copy).statusCode()).isEqualTo(401);
  }

  /**
   * The portal's requests read the member with the session in one statement: nothing of it is
   * kept between requests, so a change or a removal committed elsewhere shows on the next request.
   */
  @Test
  void memberChangedOrRemovedElsewhereIsSeenOnTheNextRequest() {
    WebClientSession browser = first.client();
    String id = SignedIn.member(first, browser, "totp");
    WebClientSession other = browser.sameBrowserAt(second.baseUrl());
    assertThat(other.get("/demo/headers").statusCode()).isEqualTo(200);

    String email = "changed-" + id.toLowerCase() + "@example.jp";
    assertThat(Sql.update("update member set email = ? where login_id = ?", email, id)).isEqualTo(1);
    assertThat(other.get("/demo/headers").body()).contains(email);
    assertThat(verify(other).headers().firstValue("X-Sekisho-Email")).contains(email);

    assertThat(Sql.update("delete from member where login_id = ?", id)).isEqualTo(1);
    HttpResponse<String> proxied = other.get("/demo/headers");
    assertThat(proxied.statusCode()).isEqualTo(303);
    assertThat(proxied.headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(verify(other).statusCode()).isEqualTo(401);
    assertThat(browser.get("/demo/headers").statusCode()).isEqualTo(303);
  }

  private static HttpResponse<String> verify(WebClientSession browser) {
    return browser.get("/sekisho/auth/verify");
  }
}
