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
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17's walk in one piece, in headless Chromium and in Japanese: a member with a hardware
 * token, signed in on a second device too, changes the password, changes the email address
 * (confirmed with the button behind the mailed link), adds email codes beside the token, removes
 * the token, and ends the other device's session from the sessions list; each change is told by
 * mail, read back from the gateway's SMTP catcher. The token's codes follow a counter and email
 * codes are mailed, so no code can collide with another in the same TOTP time step.
 */
class AccountJourneyBrowserTest {
  /** Email codes come back to back here (the set-up, then the check before the removal). */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.resendCooldownSeconds", "0"));
  @RegisterExtension
  static final Browser chromium = new Browser();
  private static final String NEW_PASSWORD = "Tq7wLm3zRv8n-Walk";

  @Test
  void aMemberManagesTheirAccountAndIsToldOfEveryChange() {
    String id = gateway.admin().newMember("walk");
    String oldAddress = id + "@example.jp";
    String newAddress = "new-" + id + "@example.jp";
    MailCatcher mail = Mailboxes.of(gateway);
    SignedIn.Factor token = SignedIn.setUp(gateway, id, "hotp");
    WebClientSession other = gateway.client();
    assertThat(other.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    token.pass(other);
    assertThat(other.get("/demo/headers").statusCode()).as("the other device reaches the portal").isEqualTo(200);

    chromium.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    chromium.open(gateway.baseUrl() + "/sekisho/verify/hotp");
    chromium.visible("code").sendKeys(token.code());
    chromium.visible("otp-submit").click();
    chromium.waitFor(d -> !d.getCurrentUrl().contains("/sekisho/verify"));

    // The password, keeping the other device signed in (its session is ended by hand below).
    open("/sekisho/account");
    chromium.visible("to-password-change").click();
    chromium.waitForPath("/sekisho/account/password");
    chromium.visible("current_password").sendKeys(AdminClient.RULE_PASSWORD);
    chromium.visible("password").sendKeys(NEW_PASSWORD);
    chromium.visible("password_confirm").sendKeys(NEW_PASSWORD);
    chromium.visible("password-change-submit").click();
    assertThat(chromium.textOnceItSays("form-notice", "変更しました")).contains("変更しました");
    CaughtMail passwordNotice = Mailboxes.awaitSubject(oldAddress, "パスワードが変更されました", mail);
    assertThat(passwordNotice.subject()).contains("パスワードが変更されました");
    assertThat(passwordNotice.body()).contains("パスワード").contains("(JST)").contains("HeadlessChrome")
        .contains("健康保険組合へご連絡ください");
    assertThat(gateway.client().login(id, NEW_PASSWORD).statusCode()).as("the new password signs in").isEqualTo(303);

    // The email address: the old one stays until the link mailed to the new one is confirmed.
    open("/sekisho/account");
    chromium.visible("to-email-change").click();
    chromium.waitForPath("/sekisho/account/email");
    chromium.visible("email").sendKeys(newAddress);
    chromium.visible("email-change-submit").click();
    assertThat(chromium.textOnceItSays("form-notice", "確認メールを送信しました")).contains("確認メールを送信しました");
    CaughtMail confirmation = Mailboxes.awaitSubject(newAddress, "新しいメールアドレスの確認", mail);
    assertThat(Sql.value("select email from member where login_id = ?", id)).isEqualTo(oldAddress);
    chromium.open(Mailboxes.link(confirmation));
    chromium.visible("confirm-button").click();
    assertThat(chromium.textOnceItSays("confirm-result", "メールアドレスを変更しました")).contains("メールアドレスを変更しました");
    CaughtMail toOld = Mailboxes.awaitSubject(oldAddress, "メールアドレスが変更されました", mail);
    CaughtMail toNew = Mailboxes.awaitSubject(newAddress, "メールアドレスが変更されました", mail);
    assertThat(toOld.body()).contains("変更前: " + oldAddress).contains("変更後: " + newAddress);
    assertThat(toNew.body()).isEqualTo(toOld.body());

    // Email codes beside the token: the check is the token's code, the set-up a code mailed to the new address.
    open("/sekisho/account/otp");
    chromium.visible("add-email").click();
    chromium.visible("code").sendKeys(token.code());
    int codesBefore = SignedIn.codeMails(mail, newAddress);
    chromium.visible("otp-submit").click();
    chromium.waitForPath("/sekisho/setup/email");
    chromium.visible("code").sendKeys(SignedIn.mailedCode(mail, newAddress, codesBefore));
    chromium.visible("otp-submit").click();
    continuePastRecoveryCodes();
    assertThat(methods(id)).containsExactlyInAnyOrder("hotp", "email");
    CaughtMail added = Mailboxes.awaitSubject(newAddress, "認証方法が追加されました", mail);
    assertThat(added.body()).contains("認証方法「メール認証」").contains("(JST)").contains("お心当たりのない場合は");

    // The token removed, proven with the method used last: a code mailed again.
    open("/sekisho/account/otp");
    codesBefore = SignedIn.codeMails(mail, newAddress);
    chromium.visible("remove-hotp").click();
    chromium.visible("code").sendKeys(SignedIn.mailedCode(mail, newAddress, codesBefore));
    chromium.visible("otp-submit").click();
    chromium.waitForPath("/sekisho/account/otp");
    assertThat(chromium.textOnceItSays("otp-notice", "削除しました")).contains("削除しました");
    assertThat(methods(id)).containsExactly("email");
    CaughtMail removed = Mailboxes.awaitSubject(newAddress, "認証方法が削除されました", mail);
    assertThat(removed.body()).contains("認証方法「ハードウェアトークン」").contains("(JST)");

    // The other device's session, ended from the sessions list; the portal then refuses it.
    assertThat(other.get("/demo/headers").statusCode()).as("the other device is still signed in").isEqualTo(200);
    open("/sekisho/account");
    List<WebElement> rows = chromium.visible("session-list").findElements(By.cssSelector("tr.session-row"));
    WebElement otherRow = rows.stream().filter(r -> r.getText().contains(other.clientAddress())).findFirst().orElseThrow();
    otherRow.findElement(By.className("end-session")).click();
    chromium.waitFor(d -> d.getCurrentUrl().contains("sessions=ended"));
    assertThat(chromium.textOnceItSays("account-notice", "終了しました")).contains("終了しました");
    var refused = other.get("/demo/headers");
    assertThat(refused.statusCode()).isEqualTo(303);
    assertThat(refused.headers().firstValue("Location")).contains("/sekisho/login");
    open("/demo/headers");
    assertThat(chromium.path()).as("this browser stays signed in").isEqualTo("/demo/headers");

    // Every change was told, and to whom: nothing else about the account went to either address.
    assertThat(Mailboxes.countSubject(oldAddress, "パスワードが変更されました", mail)).isEqualTo(1);
    assertThat(Mailboxes.countSubject(newAddress, "認証方法が追加されました", mail)).isEqualTo(1);
    assertThat(Mailboxes.countSubject(newAddress, "認証方法が削除されました", mail)).isEqualTo(1);
  }

  private static void open(String path) {
    chromium.open(gateway.baseUrl() + path);
  }

  /** A first code method shows new recovery codes before going on; a later one goes straight back. */
  private static void continuePastRecoveryCodes() {
    chromium.waitFor(d -> !d.getCurrentUrl().contains("/sekisho/setup/email") || !d.findElements(By.id("recovery-codes")).isEmpty());
    if (!chromium.driver().findElements(By.id("recovery-codes")).isEmpty()) {
      chromium.visible("recovery-continue").click();
    }
    chromium.waitForPath("/sekisho/account/otp");
  }

  private static List<String> methods(String id) {
    return Sql.query("select mm.method from member_method mm join member m on m.id = mm.member_id where m.login_id = ?", id)
        .stream().map(row -> (String) row.get("method")).toList();
  }
}
