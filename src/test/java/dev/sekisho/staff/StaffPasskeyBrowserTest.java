package dev.sekisho.staff;

import dev.sekisho.testing.Browser;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.util.UUID;

import static dev.sekisho.staff.StaffConsoleBrowserTest.PASSWORD;
import static dev.sekisho.staff.StaffConsoleBrowserTest.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff passkeys in headless Chromium with its virtual authenticator: a staff member adds a passkey
 * in the console, then signs in with ID + password + the passkey (no app code); the password is
 * always needed, and an account without a passkey cannot take this way at all.
 */
class StaffPasskeyBrowserTest {
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    StaffConsoleBrowserTest.gateway = gateway;
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static void virtualAuthenticator(Browser browser) {
    ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
        .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
  }

  static void passwordThenPasskeyButton(Browser browser, String id, String password) {
    browser.open(gateway.baseUrl() + StaffPaths.LOGIN);
    browser.visible("staff_id").sendKeys(id);
    browser.driver().findElement(By.id("password")).sendKeys(password);
    browser.driver().findElement(By.id("staff-login-passkey")).click();
  }

  @Test
  void aStaffMemberAddsAPasskeyAndSignsInWithPasswordAndPasskey() {
    String admin = "adm-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      virtualAuthenticator(browser);
      signedIn(browser, admin, "admin");
      browser.visible("nav-passkeys").click();
      browser.waitForPath(StaffPasskeyRoutes.PASSKEYS);
      assertThat(browser.visible("no-passkeys").isDisplayed()).isTrue();
      browser.visible("passkey-start").click();
      browser.visible("passkey-done").click();
      assertThat(browser.textOnceItSays("notice", "パスキーを追加しました。")).isEqualTo("パスキーを追加しました。");
      assertThat(browser.visible("passkey-list").getText()).contains("Chrome");
      assertThat(Sql.count("select count(*) from staff_passkey where staff_id = ?", admin)).isOne();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.passkey.register' and outcome = 'ok' "
          + "and detail->>'staff' = ?", admin)).isOne();

      browser.visible("staff-logout").click();
      browser.waitForPath(StaffPaths.LOGIN);
      // A wrong password never reaches the passkey.
      passwordThenPasskeyButton(browser, admin, PASSWORD + "x");
      assertThat(browser.visible("error").getText()).isNotBlank();
      assertThat(browser.driver().findElements(By.id("passkey-start"))).isEmpty();

      passwordThenPasskeyButton(browser, admin, PASSWORD);
      browser.waitForPath(StaffPasskeyRoutes.LOGIN);
      String beforeSignIn = browser.driver().manage().getCookieNamed(StaffConsole.COOKIE).getValue();
      browser.visible("passkey-start").click();
      browser.waitForPath(StaffPaths.MEMBERS);
      assertThat(browser.visible("signed-in-as").getText()).contains(admin);
      assertThat(browser.driver().manage().getCookieNamed(StaffConsole.COOKIE).getValue()).as("new session id")
          .isNotEqualTo(beforeSignIn);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.login' and outcome = 'ok' "
          + "and detail->>'staff' = ? and detail->>'method' = 'passkey'", admin)).isOne();
      assertThat(Sql.value("select last_used_at from staff_passkey where staff_id = ?", admin)).isNotNull();

      // Removed: the passkey way is closed again (the app code still works).
      browser.open(gateway.baseUrl() + StaffPasskeyRoutes.PASSKEYS);
      browser.find("button.remove-passkey").click();
      assertThat(browser.textOnceItSays("notice", "パスキーを削除しました。")).isEqualTo("パスキーを削除しました。");
      assertThat(Sql.count("select count(*) from staff_passkey where staff_id = ?", admin)).isZero();
    }
  }

  @Test
  void withoutAPasskeyThePasswordAloneIsRefused() {
    String helpdesk = "hd-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, helpdesk, "helpdesk");
      browser.visible("staff-logout").click();
      browser.waitForPath(StaffPaths.LOGIN);
      passwordThenPasskeyButton(browser, helpdesk, PASSWORD);
      assertThat(browser.visible("error").getText()).isNotBlank();
      assertThat(browser.driver().findElements(By.id("passkey-start"))).isEmpty();
      browser.open(gateway.baseUrl() + StaffPaths.MEMBERS);
      browser.waitForPath(StaffPaths.LOGIN);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.login' and outcome = 'invalid' "
          + "and detail->>'staff' = ? and detail->>'method' = 'passkey'", helpdesk)).isOne();
    }
  }
}
