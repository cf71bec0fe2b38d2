package dev.sekisho.factor.totp;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.AdminClient;

import dev.sekisho.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Real headless Chromium: TOTP set-up from the "can't scan?" key and login (J2.4, J3.1); email OTP with the real mail (J2.7). */
class OtpBrowserTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.resendCooldownSeconds", "0"));
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})\\r?$");

  static String code(byte[] key, long offsetSteps) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offsetSteps, 6);
  }

  @Test
  void totpSetUpFromTheTypedKeyThenLoginWithTotp() {
    String id = gateway.admin().newMember("brt");
    OtpFixtures.setState(id, "onboarded", "totp");
    try (Browser browser = Browser.start()) {
      browser.open(gateway.baseUrl() + "/sekisho/login?lang=ja");
      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/setup/totp");
      assertThat(browser.visible("totp-qr").getAttribute("src")).startsWith("data:image/png;base64,");
      // The key is hidden until the member asks: スキャンできませんか？
      assertThat(browser.driver().findElement(By.id("totp-key")).isDisplayed()).isFalse();
      browser.driver().findElement(By.cssSelector("#cant-scan summary")).click();
      String shown = browser.visible("totp-key").getText();
      assertThat(shown).contains(" ");
      assertThat(browser.visible("totp-type").getText()).isEqualTo("時間ベース");
      byte[] key = Base32Text.decode(shown);
      String setupCode = code(key, 0);
      browser.driver().findElement(By.id("code")).sendKeys(setupCode);
      browser.driver().findElement(By.id("otp-submit")).click();
      List<?> codes = browser.visible("recovery-codes").findElements(By.tagName("li"));
      assertThat(codes).hasSize(10);
      browser.driver().findElement(By.id("recovery-continue")).click();
      browser.waitForPath("/");
      browser.logoutFromTopPage(id);

      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/verify/totp");
      browser.driver().findElement(By.id("code")).sendKeys(code(key, 1));
      browser.driver().findElement(By.id("otp-submit")).click();
      browser.waitForPath("/");
    }
  }

  /**
   * J2.4, issue 17 item 7: on a phone the set-up page offers the key as an otpauth:// link the
   * authenticator app opens, prominent (a full-width primary button) on a phone-sized screen.
   */
  @Test
  void onAPhoneTheSetUpOpensTheAuthenticatorApp() {
    String id = gateway.admin().newMember("brp");
    OtpFixtures.setState(id, "onboarded", "totp");
    try (Browser browser = Browser.start()) {
      browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
      browser.open(gateway.baseUrl() + "/sekisho/login?lang=ja");
      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/setup/totp");
      org.openqa.selenium.WebElement link = browser.visible("totp-open-app");
      assertThat(link.getText()).isEqualTo("認証アプリで開く");
      java.net.URI uri = java.net.URI.create(link.getAttribute("href"));
      assertThat(uri.getScheme()).isEqualTo("otpauth");
      assertThat(uri.getHost()).isEqualTo("totp");
      assertThat(uri.getPath()).isEqualTo("/Portal:" + id);
      String key = browser.driver().findElement(By.id("totp-key")).getAttribute("data-key");
      assertThat(java.util.Arrays.asList(uri.getQuery().split("&")))
          .contains("secret=" + key, "issuer=Portal", "digits=6", "period=30");
      // Prominent on the phone: the primary colour, the screen's width.
      assertThat(link.getCssValue("background-color")).isEqualTo("rgba(11, 92, 173, 1)");
      assertThat(link.getSize().getWidth()).isGreaterThan(250);
      // The link's key is the one the page's code check accepts.
      browser.driver().findElement(By.id("code")).sendKeys(code(Base32Text.decode(key), 0));
      browser.driver().findElement(By.id("otp-submit")).click();
      assertThat(browser.visible("recovery-codes").findElements(By.tagName("li"))).hasSize(10);
    }
  }

  /** The newest OTP mail to the address that is not one seen before, waiting for delivery (bounded). */
  static String mailedCode(MailCatcher catcher, String address, int before) {
    CaughtMail mail = newMail(catcher, address, before);
    assertThat(mail.subject()).isEqualTo("【Portal】ワンタイムパスワードのお知らせ");
    return codeIn(mail);
  }

  static String codeIn(CaughtMail mail) {
    Matcher m = CODE_LINE.matcher(mail.body());
    assertThat(m.find()).as(mail.body()).isTrue();
    return m.group(1);
  }

  static CaughtMail newMail(MailCatcher catcher, String address, int before) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      // Only the code mails: the member's security notices (a method set up) go to the same address.
      List<CaughtMail> mails = catcher.allTo(address).stream()
          .filter(mail -> mail.subject().endsWith("ワンタイムパスワードのお知らせ")
              || mail.subject().endsWith("Your one-time password")).toList();
      if (mails.size() > before) {
        CaughtMail mail = mails.get(0);
        assertThat(mail.from()).contains("no-reply@");
        return mail;
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no OTP mail to " + address);
  }

  /** Issue 17 item 7: the code mail is written in the language the member reads the pages in, from the mail templates. */
  @Test
  void theCodeMailFollowsTheMembersLanguage() {
    String id = gateway.admin().newMember("bren");
    String address = id + "@example.jp";
    OtpFixtures.setState(id, "onboarded", "email");
    MailCatcher catcher = gateway.main().infrastructure().mailCatcher();
    try (Browser browser = Browser.start()) {
      browser.open(gateway.baseUrl() + "/sekisho/login?lang=en");
      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/setup/email");
      CaughtMail mail = newMail(catcher, address, 0);
      assertThat(mail.subject()).isEqualTo("[Portal] Your one-time password");
      assertThat(mail.body()).contains("Dear ").contains("Valid for 10 minutes").doesNotContain("様").doesNotContain("有効期限");
      browser.visible("code").sendKeys(codeIn(mail));
      browser.driver().findElement(By.id("otp-submit")).click();
      assertThat(browser.visible("recovery-codes").findElements(By.tagName("li"))).hasSize(10);
    }
  }

  @Test
  void emailOtpSetUpAndLoginWithTheRealMail() {
    String id = gateway.admin().newMember("bre");
    String address = id + "@example.jp";
    OtpFixtures.setState(id, "onboarded", "email");
    MailCatcher catcher = gateway.main().infrastructure().mailCatcher();
    try (Browser browser = Browser.start()) {
      browser.open(gateway.baseUrl() + "/sekisho/login?lang=ja");
      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/setup/email");
      assertThat(browser.textOnceItSays("otp-notice", "送信しました")).contains("送信しました");
      String first = mailedCode(catcher, address, 0);
      // 再送信 replaces the code; the new mail's code is the one that works.
      // The answer is the same page again: type into the page it brings, not into the one it replaces.
      browser.clickAndAwaitNewPage(browser.driver().findElement(By.id("otp-resend")));
      String second = mailedCode(catcher, address, 1);
      browser.visible("code").sendKeys(second);
      browser.driver().findElement(By.id("otp-submit")).click();
      assertThat(browser.visible("recovery-codes").findElements(By.tagName("li"))).hasSize(10);
      browser.driver().findElement(By.id("recovery-continue")).click();
      browser.waitForPath("/");
      browser.logoutFromTopPage(id);

      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.waitForPath("/sekisho/verify/email");
      String login = mailedCode(catcher, address, 2);
      if (!login.equals(first)) {
        browser.visible("code").sendKeys(first);
        browser.driver().findElement(By.id("otp-submit")).click();
        assertThat(browser.visible("otp-error").getText()).isNotEmpty();
      }
      browser.visible("code").clear();
      browser.driver().findElement(By.id("code")).sendKeys(login);
      browser.driver().findElement(By.id("otp-submit")).click();
      browser.waitForPath("/");
    }
  }
}
