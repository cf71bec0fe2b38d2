package dev.sekisho.factor.passkey;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passkeys end to end in headless Chromium, with Chromium's virtual authenticator standing in for
 * the device's biometric authenticator (CTAP2, internal transport, resident keys, UV).
 */
class PasskeyBrowserTest {
  static TestGateway gateway;
  static AdminClient admin;
  Browser browser;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    admin = gateway.admin();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void openBrowser() {
    browser = Browser.start();
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  VirtualAuthenticator authenticator(boolean userVerified) {
    return ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(userVerified)
        .setIsUserConsenting(true));
  }

  /** A member the onboarding journey has finished with: passkey chosen, not yet set up. */
  static String onboardedMember() {
    String id = admin.newMember("pk");
    Sql.memberState(id, "onboarded", "passkey");
    return id;
  }

  /** J2.1: ID + password, set-up page, OS dialog, name, 次へ, top page. */
  void setUp(String id, String name) {
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    assertThat(browser.path()).isEqualTo("/sekisho/setup/passkey");
    browser.visible("passkey-start").click();
    var input = browser.visible("passkey-name");
    assertThat(input.getAttribute("value")).contains("Chrome");
    input.clear();
    input.sendKeys(name);
    browser.driver().findElement(By.id("passkey-next")).click();
    browser.waitForPath("/sekisho/home");
  }

  void logout() {
    browser.open(gateway.baseUrl() + "/sekisho/home");
    browser.visible("logout").click();
    browser.waitForPath("/sekisho/login");
  }

  /** J3.1: ID + password, then the passkey. */
  void signInWithPasskey(String id) {
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    browser.visible("passkey-start").click();
    browser.waitForPath("/sekisho/home");
  }

  @Test
  void memberSetsUpAPasskeyLogsOutAndLogsInWithIt() {
    authenticator(true);
    String id = onboardedMember();
    setUp(id, "仕事用PC");

    assertThat(Sql.one("select onboarding_state from member where login_id = ?", id)).isEqualTo("method_set_up");
    assertThat(Sql.one("select count(*) from member_method mm join member m on m.id = mm.member_id "
        + "where m.login_id = ? and mm.method = 'passkey'", id)).isEqualTo(1L);
    List<Map<String, Object>> keys = Sql.query("select p.name, p.sign_count, p.transports::text as transports, p.aaguid "
        + "from passkey p join member m on m.id = p.member_id where m.login_id = ?", id);
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).get("name")).isEqualTo("仕事用PC");

    logout();
    signInWithPasskey(id);
    assertThat(browser.driver().findElement(By.id("user-id")).getText()).isEqualTo(id);
    assertThat(Sql.one("select last_used_at is not null from passkey p join member m on m.id = p.member_id "
        + "where m.login_id = ?", id)).isEqualTo(true);
  }
}
