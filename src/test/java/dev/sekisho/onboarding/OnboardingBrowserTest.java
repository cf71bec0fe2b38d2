package dev.sekisho.onboarding;

import dev.sekisho.testing.Accessibility;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Keyboard;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * J1.1–J1.10 in real headless Chromium, as a newcomer does it with the default run: the mail is
 * read on the dev mailbox page in another tab, and the waiting page moves on by itself.
 */
class OnboardingBrowserTest {
  @RegisterExtension
  static final Browser browser = new Browser();
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("mail.pollMillis", "200"));

  @Test
  void firstLoginEndToEnd() {
    String id = gateway.admin().newMember("chromium");
    String base = gateway.baseUrl();
    WebDriver driver = browser.driver();

    // J1.1
    browser.open(base + "/sekisho/login");
    browser.find("#user_id").sendKeys(id);
    browser.find("#password").sendKeys(AdminClient.RULE_PASSWORD);
    browser.find("#login-submit").click();

    // J1.2, submitted with the keyboard.
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/birthdate"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("h1").getText()).isEqualTo("生年月日の確認");
    browser.find("#birthdate").sendKeys("1980-04-01", Keys.ENTER);

    // J1.3
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/terms"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("#terms-text").getText()).contains("利用規約");
    // Issue 17 item 7: the manual's step number, and the terms rendered from Markdown.
    assertThat(browser.find("#step").getText()).isEqualTo("初回ログイン · 手順 4 / 11");
    assertThat(browser.find("#terms-text h1").getText()).isEqualTo("会員ポータル 利用規約（第1版）");
    assertThat(browser.find("#agree").getText()).isEqualTo("同意する");
    browser.find("#agree").click();

    // J1.4 → J1.5
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/email"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("#current-email").getText()).isEqualTo(id + "@example.jp");
    browser.find("#send").click();
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/wait"));
    Accessibility.assertNoSeriousViolations(driver);
    String waitingTab = driver.getWindowHandle();
    assertThat(browser.find("#refresh").getText()).isEqualTo("画面を更新");

    // The mail, read on the dev mailbox page in another tab; its link is clicked.
    driver.switchTo().newWindow(WindowType.TAB);
    browser.open(base + "/sekisho/dev/mailbox");
    WebElement mail = browser.await(d -> {
      d.navigate().refresh();
      return d.findElements(By.xpath("//article[.//span[@class='mail-to' and text()='" + id + "@example.jp']]"))
          .stream().findFirst().orElse(null);
    });
    assertThat(mail.findElement(By.className("mail-subject")).getText()).contains("メールアドレスの確認");
    mail.findElement(By.className("mail-link")).click();
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/confirm"));
    // Opening the link confirms nothing (mail scanners open links too): the member presses the button.
    assertThat(browser.find("#confirm-button").getText()).isEqualTo("メールアドレスを確認する");
    browser.find("#confirm-button").click();
    browser.await(ExpectedConditions.presenceOfElementLocated(By.id("confirm-result")));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("#confirm-result").getText()).contains("メールアドレスの確認が完了しました");

    // J1.6: back on the first tab, the waiting page has moved on by itself.
    driver.switchTo().window(waitingTab);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/method"));
    Accessibility.assertNoSeriousViolations(driver);

    // J1.7, chosen with the keyboard.
    assertThat(browser.find("h1").getText()).isEqualTo("認証方法を選択");
    browser.find("#method-totp").sendKeys(Keys.SPACE);
    assertThat(browser.find("#method-totp").isSelected()).isTrue();
    browser.find("#next").click();

    // J1.8
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/password"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("h1").getText()).isEqualTo("新たなパスワードを設定");
    browser.find("#password").sendKeys("abc");
    // The strength meter (ASVS 2.1.8) moves while typing: weak for a short one, strong for the real one.
    assertThat(browser.find("#password-meter").getDomProperty("value")).isEqualTo("0");
    assertThat(browser.find("#password-meter-text").getText()).isEqualTo("とても弱い");
    browser.find("#password").clear();
    browser.find("#password").sendKeys(OnboardingSteps.NEW_PASSWORD);
    assertThat(Integer.parseInt(browser.find("#password-meter").getDomProperty("value"))).isGreaterThanOrEqualTo(3);
    browser.find("#password_confirm").sendKeys(OnboardingSteps.NEW_PASSWORD);
    browser.find("#next").click();

    // J1.9 → J1.10
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/complete"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("h1").getText()).isEqualTo("初回ログインが完了しました");
    assertThat(browser.find("#warning").getText()).contains("引続き認証方法の設定をしない場合ログインできなくなる場合がございます");
    assertThat(browser.find("#logout").getText()).isEqualTo("ログアウト");
    browser.find("#logout").click();
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/bye"));
    Accessibility.assertNoSeriousViolations(driver);
    assertThat(browser.find("#warning").getText()).contains("ログインできなくなる場合がございます");

    // Next login: straight to the set-up of the chosen method.
    browser.find("#to-login").click();
    browser.await(ExpectedConditions.urlContains("/sekisho/login"));
    browser.find("#user_id").sendKeys(id);
    browser.find("#password").sendKeys(OnboardingSteps.NEW_PASSWORD, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/setup/totp"));
    Accessibility.assertNoSeriousViolations(driver);
    // The OTP branch provides the TOTP set-up page (J2.4).
    assertThat(browser.find("#cant-scan summary").getText()).isEqualTo("スキャンできませんか？");
  }
  /**
   * Issue 17 item 8: the whole first login with the keyboard alone (Tab to each control, type,
   * Enter), each control showing a visible focus outline when reached. Only the mail's link is
   * opened by address, as a mail program would.
   */
  @Test
  void firstLoginWithTheKeyboardOnly() {
    String id = gateway.admin().newMember("keyboard");
    String base = gateway.baseUrl();
    WebDriver driver = browser.driver();
    browser.open(base + "/sekisho/login");
    driver.manage().deleteAllCookies(); // the other test's sign-in shares this browser

    browser.open(base + "/sekisho/login");
    tabTo(driver, "user_id");
    keys(driver, id);
    tabTo(driver, "password");
    keys(driver, AdminClient.RULE_PASSWORD, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/birthdate"));
    tabTo(driver, "birthdate");
    keys(driver, "1980-04-01", Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/terms"));
    tabTo(driver, "agree");
    keys(driver, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/email"));
    tabTo(driver, "send");
    keys(driver, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/wait"));
    String waitingTab = driver.getWindowHandle();

    String link = OnboardingSteps.confirmLink(id + "@example.jp", 1, dev.sekisho.testing.Mailboxes.of(gateway));
    driver.switchTo().newWindow(WindowType.TAB);
    browser.open(link);
    tabTo(driver, "confirm-button");
    keys(driver, Keys.ENTER);
    browser.await(ExpectedConditions.presenceOfElementLocated(By.id("confirm-result")));
    driver.close();
    driver.switchTo().window(waitingTab);

    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/method"));
    tabTo(driver, "next");
    keys(driver, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/password"));
    tabTo(driver, "password");
    keys(driver, OnboardingSteps.NEW_PASSWORD);
    tabTo(driver, "password_confirm");
    keys(driver, OnboardingSteps.NEW_PASSWORD, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/complete"));
    tabTo(driver, "logout");
    keys(driver, Keys.ENTER);
    browser.await(ExpectedConditions.urlContains("/sekisho/onboarding/bye"));
    assertThat(gateway.admin().member(id).getString("onboardingState")).isEqualTo("onboarded");
  }

  private static void tabTo(WebDriver driver, String id) {
    Keyboard.tabTo(driver, "#" + id);
  }

  private static void keys(WebDriver driver, CharSequence... keys) {
    Keyboard.keys(driver, keys);
  }
}
