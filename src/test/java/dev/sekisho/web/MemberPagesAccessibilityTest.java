package dev.sekisho.web;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.testing.Accessibility;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Keyboard;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 8: axe-core finds no serious or critical WCAG 2.1 A/AA violation on any member
 * page, walked in real Chromium as members reach them: login and its error, each method's set-up
 * and second-step pages, recovery, the account pages, password change, logout, the confirmation
 * link's page, error pages and the dev mailbox, in Japanese and English. The onboarding pages are
 * checked along the first-login walk in OnboardingBrowserTest.
 */
class MemberPagesAccessibilityTest {
  @RegisterExtension
  static final Browser browser = new Browser();
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.resendCooldownSeconds", "0"));

  /** Opens the page (it must be the page shown, not a redirect elsewhere) and runs axe-core on it. */
  private static void check(String path) {
    browser.open(gateway.baseUrl() + path);
    assertThat(browser.path()).as("shown instead of " + path).isEqualTo(path.replaceFirst("\\?.*", ""));
    assertThat(browser.driver().findElements(By.tagName("h1"))).as("the page's heading on " + path).isNotEmpty();
    Accessibility.assertNoSeriousViolations(browser.driver());
  }

  private static void checkHere() {
    Accessibility.assertNoSeriousViolations(browser.driver());
  }

  private static String code(byte[] key, long offsetSteps) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offsetSteps, 6);
  }

  @Test
  void pagesWithoutASignIn() {
    for (String lang : new String[] {"ja", "en"}) {
      browser.driver().manage().deleteAllCookies();
      check("/sekisho/login?lang=" + lang);
      browser.find("#user_id").sendKeys("nobody-here");
      browser.find("#password").sendKeys("wrong-password-1");
      browser.find("#login-submit").click();
      browser.visible("login-error");
      checkHere();
      check("/sekisho/no-such-page");
      check("/sekisho/onboarding/confirm?token=" + "x".repeat(43));
      check("/sekisho/account/email/confirm?token=" + "x".repeat(43));
      check("/sekisho/dev/mailbox");
      check("/sekisho/login/passkey");
    }
  }

  @Test
  void totpSetUpSecondStepRecoveryAndTheAccountPages() {
    browser.driver().manage().deleteAllCookies();
    String id = gateway.admin().newMember("a11y");
    OtpFixtures.setState(id, "onboarded", "totp");
    browser.open(gateway.baseUrl() + "/sekisho/login?lang=ja");
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/setup/totp");
    checkHere();
    browser.find("#cant-scan summary").click();
    byte[] key = Base32Text.decode(browser.visible("totp-key").getText());
    browser.find("#code").sendKeys("000000x");
    browser.find("#otp-submit").click();
    browser.visible("otp-error");
    checkHere();
    browser.find("#code").clear();
    browser.find("#code").sendKeys(code(key, 0));
    browser.find("#otp-submit").click();
    browser.visible("recovery-codes");
    checkHere();
    browser.find("#recovery-continue").click();
    browser.waitForPath("/");

    check("/sekisho/account");
    check("/sekisho/account/otp");
    check("/sekisho/account/otp/prove?intent=recovery");
    check("/sekisho/account/passkeys");
    check("/sekisho/account/password");
    check("/sekisho/account/email");
    // The password change asked of a member who owes one (a short password from before the 12-character rule).
    Sql.update("update member set password_must_change = true where login_id = ?", id);
    check("/sekisho/password/change");
    Sql.update("update member set password_must_change = false where login_id = ?", id);
    check("/sekisho/home");
    check("/sekisho/logout");
    browser.find("#logout").click();
    browser.waitForPath("/sekisho/login");

    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/verify/totp");
    checkHere();
    browser.find("#code").sendKeys("123");
    browser.find("#otp-submit").click();
    browser.visible("otp-error");
    checkHere();
    check("/sekisho/verify/recovery");
  }

  @Test
  void emailAndPasskeyPages() {
    browser.driver().manage().deleteAllCookies();
    String mail = gateway.admin().newMember("a11ym");
    OtpFixtures.setState(mail, "onboarded", "email");
    browser.open(gateway.baseUrl() + "/sekisho/login?lang=en");
    browser.login(gateway.baseUrl(), mail, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/setup/email");
    checkHere();

    browser.driver().manage().deleteAllCookies();
    String newPasskey = gateway.admin().newMember("a11yp");
    OtpFixtures.setState(newPasskey, "onboarded", "passkey");
    browser.login(gateway.baseUrl(), newPasskey, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/setup/passkey");
    checkHere();

    browser.driver().manage().deleteAllCookies();
    String withPasskey = gateway.admin().newMember("a11yk");
    SignedIn.setUp(gateway, withPasskey, "passkey");
    browser.login(gateway.baseUrl(), withPasskey, AdminClient.RULE_PASSWORD);
    browser.waitForPath("/sekisho/verify/passkey");
    checkHere();
    // With a second method, the second step first asks which one (the chooser).
    Sql.update("insert into member_method (member_id, method) select id, 'email' from member where login_id = ?", withPasskey);
    check("/sekisho/verify");
  }

  /**
   * Issue 17 item 8: after the first login (done by keyboard in OnboardingBrowserTest), the method's
   * set-up and a later sign-in with the keyboard alone: Tab to each control (each showing a visible
   * focus outline), type, Enter or Space. The key is read off the screen as a member reads it.
   */
  @Test
  void setUpAndSignInWithTheKeyboardOnly() {
    WebDriver driver = browser.driver();
    driver.manage().deleteAllCookies();
    String id = gateway.admin().newMember("a11yk");
    OtpFixtures.setState(id, "onboarded", "totp");
    browser.open(gateway.baseUrl() + "/sekisho/login?lang=ja");
    Keyboard.tabTo(driver, "#user_id");
    // The gateway's own focus style (sekisho.css :focus-visible), not only the browser's faint default.
    Object outline = ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
        "const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor");
    assertThat(outline).isEqualTo("solid 3px rgb(242, 178, 0)");
    Keyboard.keys(driver, id);
    Keyboard.tabTo(driver, "#password");
    Keyboard.keys(driver, AdminClient.RULE_PASSWORD, Keys.ENTER);
    browser.waitForPath("/sekisho/setup/totp");
    Keyboard.tabTo(driver, "#cant-scan summary");
    Keyboard.keys(driver, Keys.ENTER);
    byte[] key = Base32Text.decode(browser.visible("totp-key").getText());
    Keyboard.tabTo(driver, "#code");
    Keyboard.keys(driver, code(key, 0), Keys.ENTER);
    browser.visible("recovery-codes");
    Keyboard.tabTo(driver, "#recovery-continue");
    Keyboard.keys(driver, Keys.SPACE);
    browser.waitForPath("/");
    Keyboard.tabTo(driver, "#logout-link");
    Keyboard.keys(driver, Keys.ENTER);
    browser.waitForPath("/sekisho/logout");
    Keyboard.tabTo(driver, "#logout");
    Keyboard.keys(driver, Keys.ENTER);
    browser.waitForPath("/sekisho/login");

    Keyboard.tabTo(driver, "#user_id");
    Keyboard.keys(driver, id);
    Keyboard.tabTo(driver, "#password");
    Keyboard.keys(driver, AdminClient.RULE_PASSWORD, Keys.ENTER);
    browser.waitForPath("/sekisho/verify/totp");
    Keyboard.tabTo(driver, "#code");
    Keyboard.keys(driver, code(key, 1), Keys.ENTER);
    browser.waitForPath("/");
    assertThat(browser.visible("user").getText()).isEqualTo(id);
  }
}
