package dev.sekisho.staff;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.launcher.StaffCommand;
import dev.sekisho.testing.Accessibility;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 8: axe-core finds no serious or critical WCAG 2.1 A/AA violation on the staff
 * console's pages: sign-in (and its error), set-up, member search and results, a member's page,
 * the page that shows a given password once, audit, locks, undelivered mail, staff management and
 * tokens, in Japanese and English.
 */
class StaffConsoleAccessibilityTest {
  private static final String PASSWORD = "Staff-pass-2026-long";
  @RegisterExtension
  static final Browser browser = new Browser();
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();

  /** {@code staff add ID --role admin}; returns the set-up link it prints. */
  private static String addAdmin(String id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = StaffCommand.run(new String[] {"staff", "add", id, "--role", "admin", "--name", "Tester " + id},
        ConfigLoader.load(Map.of(), Map.of("db.url", TestDatabase.url(), "http.publicOrigin", gateway.baseUrl())),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(status).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
  }

  private static String code(byte[] key, long offsetSteps) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offsetSteps, 6);
  }

  private static void check(String pathAndQuery) {
    browser.open(gateway.baseUrl() + pathAndQuery);
    assertThat(browser.path()).as("shown instead of " + pathAndQuery).isEqualTo(pathAndQuery.replaceFirst("\\?.*", ""));
    Accessibility.assertNoSeriousViolations(browser.driver());
  }

  @Test
  void everyConsolePage() {
    String member = gateway.admin().newMember("a11ys");
    String admin = "a11y-" + UUID.randomUUID().toString().substring(0, 6);
    String link = addAdmin(admin);

    browser.open(link);
    browser.visible("totp-qr");
    Accessibility.assertNoSeriousViolations(browser.driver());
    byte[] key = Base32Text.decode(browser.visible("totp-key").getText());
    browser.find("#password").sendKeys(PASSWORD);
    browser.find("#password_again").sendKeys(PASSWORD);
    browser.find("#code").sendKeys(code(key, 0));
    browser.find("#setup-submit").click();
    browser.waitForPath(StaffPaths.LOGIN);
    Accessibility.assertNoSeriousViolations(browser.driver());

    browser.find("#staff_id").sendKeys(admin);
    browser.find("#password").sendKeys("wrong-password-x");
    browser.find("#code").sendKeys("000000");
    browser.find("#staff-login-submit").click();
    browser.visible("error");
    Accessibility.assertNoSeriousViolations(browser.driver());

    browser.open(gateway.baseUrl() + StaffPaths.LOGIN);
    browser.find("#staff_id").sendKeys(admin);
    browser.find("#password").sendKeys(PASSWORD);
    browser.find("#code").sendKeys(code(key, 1));
    browser.find("#staff-login-submit").click();
    browser.waitForPath(StaffPaths.MEMBERS);

    for (String lang : new String[] {"ja", "en"}) {
      check(StaffPaths.MEMBERS + "?lang=" + lang);
      check(StaffPaths.MEMBERS + "?by=userId&q=" + member);
      check(ConsoleMemberRoutes.memberPath(member));
      check(ConsoleRecordsRoutes.AUDIT);
      check(ConsoleRecordsRoutes.AUDIT + "?from=2026-13-45");
      check(ConsoleRecordsRoutes.LOCKS);
      check(ConsoleRecordsRoutes.MAIL);
      check(StaffPaths.STAFF);
      check(ConsoleTokenRoutes.TOKENS);
    }
    // A password given by the insurer, shown once.
    browser.open(gateway.baseUrl() + ConsoleMemberRoutes.memberPath(member));
    browser.visible("to-given").click();
    browser.find("#given-password").sendKeys("Kuma-no-ame-" + UUID.randomUUID().toString().substring(0, 6));
    browser.visible("action-password").click();
    browser.visible("shown-password");
    Accessibility.assertNoSeriousViolations(browser.driver());
    assertThat(browser.driver().findElements(By.tagName("h1"))).isNotEmpty();
  }
}
