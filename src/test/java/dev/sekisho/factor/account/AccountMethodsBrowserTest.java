package dev.sekisho.factor.account;

import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.Accessibility;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's own methods and sessions in headless Chromium (issue 17 items 3 and 4, ASVS 3.3.4):
 * a passkey member issues new recovery codes and adds an authenticator app after typing the
 * current password, signs in with either, removes the passkey (never the last method); a member
 * sees their sessions in words and ends another, which the portal then refuses.
 */
class AccountMethodsBrowserTest {
  /** Several TOTP codes in one test: each is accepted once, so the test uses steps 0, 1, 2 around now. */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.totpSkewSteps", "3"));
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  Browser browser;

  @BeforeEach
  void openBrowser() {
    browser = Browser.start();
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  @Test
  void passkeyMemberRegeneratesCodesAddsAnAppSignsInWithEitherAndRemovesThePasskey() {
    ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2).setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
    String id = gateway.admin().newMember("am");
    Sql.memberState(id, "onboarded", "passkey");
    setUpPasskey(id);

    // A stolen session alone cannot add a passkey: the passkeys page offers the ceremony only after a fresh check.
    open("/sekisho/account/passkeys");
    assertThat(browser.driver().findElements(By.id("passkey-start"))).isEmpty();
    browser.visible("passkey-add-prove");

    // Passkeys only: new recovery codes after the current password (no code method to prove with).
    open("/sekisho/account/otp");
    assertThat(browser.visible("method-rows").getText()).contains("パスキー");
    assertThat(browser.driver().findElements(By.id("remove-passkey"))).as("the last method is not removable").isEmpty();
    Accessibility.assertNoSeriousViolations(browser.driver());
    browser.visible("regenerate-recovery").click();
    browser.visible("password");
    Accessibility.assertNoSeriousViolations(browser.driver());
    browser.visible("password").sendKeys("wrong-password-1");
    browser.visible("otp-submit").click();
    assertThat(browser.visible("otp-error").getText()).contains("パスワードが正しくありません");
    browser.visible("password").sendKeys(AdminClient.RULE_PASSWORD);
    browser.visible("otp-submit").click();
    assertThat(browser.visible("recovery-codes").findElements(By.tagName("li"))).hasSize(10);
    browser.visible("recovery-continue").click();
    browser.waitForPath("/sekisho/account/otp");

    // An authenticator app beside the passkey: nothing replaced.
    browser.visible("add-totp").click();
    browser.visible("password").sendKeys(AdminClient.RULE_PASSWORD);
    browser.visible("otp-submit").click();
    browser.waitForPath("/sekisho/setup/totp");
    Matcher key = KEY.matcher(browser.driver().getPageSource());
    assertThat(key.find()).isTrue();
    byte[] secret = new Base32().decode(key.group(1));
    browser.visible("code").sendKeys(OtpFlowTest.code(secret, 0));
    browser.visible("otp-submit").click();
    browser.waitForPath("/sekisho/account/otp");
    assertThat(browser.textOnceItSays("otp-notice", "設定しました")).contains("設定しました");
    assertThat(methods(id)).containsExactlyInAnyOrder("passkey", "totp");
    assertThat(Sql.value("select count(*) from audit_event a join member m on m.id = a.member_id "
        + "where m.login_id = ? and a.kind = 'account.method.added' and a.detail->>'method' = 'totp'", id)).isEqualTo(1L);

    // At sign-in the member chooses: the app, then (another time) the passkey.
    logout();
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/verify");
    browser.visible("method-passkey");
    browser.visible("method-totp").click();
    browser.visible("code").sendKeys(OtpFlowTest.code(secret, 1));
    browser.visible("otp-submit").click();
    browser.waitForPath("/");
    logout();
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.visible("method-passkey").click();
    browser.visible("passkey-start").click();
    browser.waitForPath("/");

    // The passkey removed, proven with the app's code; the app is now the last method and stays.
    open("/sekisho/account/otp");
    browser.visible("remove-passkey").click();
    browser.visible("code").sendKeys(OtpFlowTest.code(secret, 2));
    browser.visible("otp-submit").click();
    browser.waitForPath("/sekisho/account/otp");
    assertThat(browser.textOnceItSays("otp-notice", "削除しました")).contains("削除しました");
    assertThat(methods(id)).containsExactly("totp");
    assertThat(Sql.value("select count(*) from passkey p join member m on m.id = p.member_id where m.login_id = ?", id))
        .isEqualTo(0L);
    assertThat(Sql.value("select count(*) from audit_event a join member m on m.id = a.member_id "
        + "where m.login_id = ? and a.kind = 'account.method.removed' and a.detail->>'method' = 'passkey'", id)).isEqualTo(1L);
    assertThat(browser.driver().findElements(By.id("remove-totp"))).isEmpty();
    assertThat(browser.visible("only-one-method").getText()).contains("最後の認証方法");
  }

  @Test
  void lastMethodIsNotRemovedEvenWhenAsked() {
    WebClientSession client = gateway.client();
    String id = gateway.admin().newMember("am");
    SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
    assertThat(client.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    totp.pass(client);
    client.get("/sekisho/account/otp/prove?intent=remove-totp");
    var answer = client.post("/sekisho/account/otp/prove", Map.of("intent", "remove-totp", "code", totp.code()));
    assertThat(answer.headers().firstValue("Location").orElse("")).contains("refused=last");
    assertThat(client.get("/sekisho/account/otp?refused=last").body()).contains("最後の認証方法は削除できません");
    assertThat(methods(id)).containsExactly("totp");
  }

  @Test
  void memberSeesSessionsInWordsAndEndsAnotherWhichThePortalThenRefuses() {
    String id = gateway.admin().newMember("ss");
    SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
    WebClientSession other = gateway.client();
    assertThat(other.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    totp.pass(other);
    WebClientSession third = gateway.client();
    assertThat(third.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    totp.pass(third);
    assertThat(other.get("/demo/headers").statusCode()).isEqualTo(200);

    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/totp");
    browser.visible("code").sendKeys(totp.code());
    browser.visible("otp-submit").click();
    browser.waitForPath("/");
    open("/sekisho/account");

    List<WebElement> rows = browser.visible("session-list").findElements(By.cssSelector("tr.session-row"));
    Accessibility.assertNoSeriousViolations(browser.driver());
    assertThat(rows).hasSize(3);
    WebElement current = browser.find("tr.session-row.current");
    assertThat(current.findElement(By.className("device")).getText()).matches("Linux の (Headless)?Chrome.*\\(この端末\\)");
    String table = browser.visible("session-list").getText();
    assertThat(table).contains(other.clientAddress()).contains(third.clientAddress()).doesNotContain("Mozilla/5.0");
    // The recent logins show the same words, not raw user-agent strings.
    assertThat(browser.visible("recent-logins").getText()).contains("Linux の").doesNotContain("Mozilla/5.0");

    open("/sekisho/account?lang=en");
    assertThat(browser.find("tr.session-row.current .device").getText()).matches("(Headless)?Chrome.* on Linux \\(this device\\)");
    open("/sekisho/account?lang=ja");
    rows = browser.visible("session-list").findElements(By.cssSelector("tr.session-row"));

    // End the other client's session by its row (the one with its address).
    WebElement otherRow = rows.stream().filter(r -> r.getText().contains(other.clientAddress())).findFirst().orElseThrow();
    otherRow.findElement(By.className("end-session")).click();
    browser.waitFor(d -> d.getCurrentUrl().contains("sessions=ended"));
    assertThat(browser.textOnceItSays("account-notice", "終了しました")).contains("終了しました");
    assertThat(browser.visible("session-list").findElements(By.cssSelector("tr.session-row"))).hasSize(2);
    var refused = other.get("/demo/headers");
    assertThat(refused.statusCode()).isEqualTo(303);
    assertThat(refused.headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(third.get("/demo/headers").statusCode()).isEqualTo(200);

    // All others: the third client goes too; this browser stays signed in.
    browser.visible("end-other-sessions").click();
    browser.waitFor(d -> d.getCurrentUrl().contains("sessions=endedOthers"));
    assertThat(browser.visible("session-list").findElements(By.cssSelector("tr.session-row"))).hasSize(1);
    assertThat(third.get("/demo/headers").statusCode()).isEqualTo(303);
    open("/demo/headers");
    assertThat(browser.path()).isEqualTo("/demo/headers");
    assertThat(Sql.value("select count(*) from audit_event a join member m on m.id = a.member_id "
        + "where m.login_id = ? and a.kind in ('session.end', 'session.endOthers')", id)).isEqualTo(2L);
  }

  private void open(String path) {
    browser.open(gateway.baseUrl() + path);
  }

  private void setUpPasskey(String id) {
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    assertThat(browser.path()).isEqualTo("/sekisho/setup/passkey");
    browser.visible("passkey-start").click();
    browser.visible("passkey-name");
    browser.driver().findElement(By.id("passkey-next")).click();
    browser.waitFor(d -> browser.path().equals("/") || !d.findElements(By.id("recovery-codes")).isEmpty());
    if (!browser.path().equals("/")) {
      browser.driver().findElement(By.id("recovery-continue")).click();
      browser.waitForPath("/");
    }
  }

  private void logout() {
    open("/sekisho/home");
    browser.visible("logout").click();
    browser.waitForPath("/sekisho/login");
  }

  private static List<String> methods(String id) {
    return Sql.query("select mm.method from member_method mm join member m on m.id = mm.member_id where m.login_id = ?", id)
        .stream().map(row -> (String) row.get("method")).toList();
  }
}
