package dev.sekisho.account;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 items 1, 2 and 5 walked in headless Chromium by a member signed in with TOTP: the
 * password change on the account page (wrong current password and a weak new one refused, then a
 * change that ends the member's other session and renews this one's id), then the email change
 * (the old address stays until the link mailed to the new one is confirmed with its button), and
 * the notices each change mailed, read from the gateway's SMTP catcher.
 */
class AccountSelfServiceBrowserTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  @RegisterExtension
  static final Browser chromium = new Browser();
  private static final String NEW_PASSWORD = "Tq7wLm3zRv8n-Kite";

  @Test
  void aMemberChangesPasswordAndEmailOnTheAccountPageAndIsToldByMail() {
    String id = gateway.admin().newMember("self");
    String oldAddress = id + "@example.jp";
    String newAddress = "new-" + id + "@example.jp";
    MailCatcher mail = Mailboxes.of(gateway);
    SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
    // The member's other browser, signed in completely too, with email codes (a second TOTP code
    // within the same time steps would be refused as a replay).
    SignedIn.Factor emailCode = SignedIn.setUp(gateway, id, "email");
    WebClientSession other = gateway.client();
    assertThat(other.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    assertThat(emailCode.pass(other).statusCode()).isEqualTo(303);
    assertThat(other.get("/sekisho/account").statusCode()).isEqualTo(200);

    signInWithChromium(id, totp);
    chromium.open(gateway.baseUrl() + "/sekisho/account");
    chromium.visible("to-password-change").click();
    chromium.waitForPath("/sekisho/account/password");

    changePassword("wrong-current-password", NEW_PASSWORD, false);
    assertThat(chromium.visible("form-error").getText()).contains("現在のパスワードが正しくありません");
    assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'password.change' "
        + "and outcome = 'wrong_current'", id)).isEqualTo(1);

    changePassword(AdminClient.RULE_PASSWORD, "password1234", false);
    assertThat(chromium.visible("form-error").getText()).contains("推測");

    String sessionBefore = chromium.driver().manage().getCookieNamed("sekisho.sid").getValue();
    changePassword(AdminClient.RULE_PASSWORD, NEW_PASSWORD, true);
    assertThat(chromium.visible("form-notice").getText()).contains("ほかの端末・ブラウザのログインを終了しました");
    Cookie sessionAfter = chromium.driver().manage().getCookieNamed("sekisho.sid");
    assertThat(sessionAfter.getValue()).as("a new session id after the change").isNotEqualTo(sessionBefore);
    assertThat(other.get("/sekisho/account").headers().firstValue("Location")).as("the other session ended")
        .contains("/sekisho/login");
    chromium.open(gateway.baseUrl() + "/sekisho/account");
    assertThat(chromium.visible("account-user-id").getText()).as("this browser stays signed in").isEqualTo(id);
    assertThat(gateway.client().login(id, NEW_PASSWORD).statusCode()).as("the new password signs in").isEqualTo(303);
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).as("the old one no more").isEqualTo(401);
    CaughtMail passwordNotice = Mailboxes.awaitSubject(oldAddress, "パスワードが変更されました", mail);
    assertThat(passwordNotice.body()).contains("(JST)").contains("健康保険組合へご連絡ください").contains("HeadlessChrome");

    chromium.visible("to-email-change").click();
    chromium.waitForPath("/sekisho/account/email");
    chromium.visible("email").sendKeys(newAddress);
    chromium.visible("email-change-submit").click();
    assertThat(chromium.visible("form-notice").getText()).contains("確認メールを送信しました");
    assertThat(chromium.visible("pending-email").getText()).contains(newAddress);
    CaughtMail confirmation = Mailboxes.awaitSubject(newAddress, "新しいメールアドレスの確認", mail);
    assertThat(Sql.value("select email from member where login_id = ?", id)).as("old address until confirmed")
        .isEqualTo(oldAddress);

    chromium.open(Mailboxes.link(confirmation));
    assertThat(Sql.value("select email from member where login_id = ?", id)).as("opening the link changes nothing")
        .isEqualTo(oldAddress);
    chromium.visible("confirm-button").click();
    assertThat(chromium.visible("confirm-result").getText()).contains("メールアドレスを変更しました");
    assertThat(Sql.value("select email from member where login_id = ?", id)).isEqualTo(newAddress);
    CaughtMail toOld = Mailboxes.awaitSubject(oldAddress, "メールアドレスが変更されました", mail);
    CaughtMail toNew = Mailboxes.awaitSubject(newAddress, "メールアドレスが変更されました", mail);
    assertThat(toOld.body()).contains("変更前: " + oldAddress).contains("変更後: " + newAddress);
    assertThat(toNew.body()).isEqualTo(toOld.body());
    chromium.open(gateway.baseUrl() + "/sekisho/account");
    assertThat(chromium.visible("account-email").getText()).isEqualTo(newAddress);
  }

  private static void signInWithChromium(String id, SignedIn.Factor totp) {
    chromium.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    chromium.open(gateway.baseUrl() + "/sekisho/verify/totp");
    chromium.driver().findElement(By.id("code")).sendKeys(totp.code());
    chromium.driver().findElement(By.id("otp-submit")).click();
    chromium.waitFor(d -> !d.getCurrentUrl().contains("/sekisho/verify"));
  }

  private static void changePassword(String current, String next, boolean endOthers) {
    chromium.visible("current_password").sendKeys(current);
    chromium.visible("password").sendKeys(next);
    chromium.visible("password_confirm").sendKeys(next);
    if (endOthers) {
      chromium.visible("end_others").click();
    }
    // The page before may show a form-error too: wait for the answer's page, then for its message.
    chromium.submitAndAwaitNewPage("password-change-submit");
    chromium.waitFor(d -> !d.findElements(By.id("form-error")).isEmpty() || !d.findElements(By.id("form-notice")).isEmpty());
  }
}
