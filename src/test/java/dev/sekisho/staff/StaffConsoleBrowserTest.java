package dev.sekisho.staff;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.StaffCommand;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staff console in real headless Chromium: a staff account made by {@code staff add}, set up
 * from its link (password + TOTP), signed in with TOTP; member search, member page and actions,
 * each audited with the staff member's name; role refusals audited and changing nothing; lockout.
 */
class StaffConsoleBrowserTest {
  static final String PASSWORD = "Staff-pass-2026-long";
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** {@code staff add ID --role ROLE} against the test database; returns the set-up link it prints. */
  static String addStaff(String id, String role) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = StaffCommand.run(new String[] {"staff", "add", id, "--role", role, "--name", "Tester " + id},
        ConfigLoader.load(Map.of(), Map.of("db.url", TestDatabase.url(), "http.publicOrigin", gateway.baseUrl())),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Staff account " + id + " (" + role + ") created");
    return printed.lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
  }

  static String code(byte[] key, long offsetSteps) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offsetSteps, 6);
  }

  /** Follows the set-up link: password and TOTP key from the "type this key" text. */
  static byte[] setUp(Browser browser, String link) {
    browser.open(link);
    assertThat(browser.visible("totp-qr").getAttribute("src")).startsWith("data:image/png;base64,");
    byte[] key = Base32Text.decode(browser.visible("totp-key").getText());
    browser.driver().findElement(By.id("password")).sendKeys(PASSWORD);
    browser.driver().findElement(By.id("password_again")).sendKeys(PASSWORD);
    browser.driver().findElement(By.id("code")).sendKeys(code(key, 0));
    browser.driver().findElement(By.id("setup-submit")).click();
    browser.waitForPath(StaffPaths.LOGIN);
    assertThat(browser.textOnceItSays("notice", "設定が完了しました。ログインしてください。")).isEqualTo("設定が完了しました。ログインしてください。");
    return key;
  }

  /** A new staff member of this role, set up through the one-time link and signed in on the members page; returns the TOTP key. */
  static byte[] signedIn(Browser browser, String id, String role) {
    byte[] key = setUp(browser, addStaff(id, role));
    signIn(browser, id, PASSWORD, code(key, 1));
    browser.waitForPath(StaffPaths.MEMBERS);
    return key;
  }

  static void signIn(Browser browser, String id, String password, String code) {
    browser.open(gateway.baseUrl() + StaffPaths.LOGIN);
    browser.driver().findElement(By.id("staff_id")).sendKeys(id);
    browser.driver().findElement(By.id("password")).sendKeys(password);
    browser.driver().findElement(By.id("code")).sendKeys(code);
    browser.driver().findElement(By.id("staff-login-submit")).click();
  }

  static void lockId(String memberId) {
    Sql.update("insert into login_throttle (subject, failures, locked_until) values (?, 5, now() + interval '15 minutes')",
        "id:" + memberId);
  }

  @Test
  void adminSignsInWithTotpThenFindsUnlocksAndResetsAMember() {
    String member = gateway.admin().newMember("stf");
    lockId(member);
    String admin = "adm-" + UUID.randomUUID().toString().substring(0, 6);
    String link = addStaff(admin, "admin");
    try (Browser browser = Browser.start()) {
      byte[] key = setUp(browser, link);
      // The link works once.
      browser.open(link);
      assertThat(browser.visible("error-message").getText()).contains("設定リンクは無効か期限切れ");

      signIn(browser, admin, PASSWORD, code(key, 1));
      browser.waitForPath(StaffPaths.MEMBERS);
      assertThat(browser.visible("signed-in-as").getText()).contains(admin).contains("admin");
      Cookie cookie = browser.driver().manage().getCookieNamed(StaffConsole.COOKIE);
      assertThat(cookie.isHttpOnly()).isTrue();
      assertThat(cookie.getSameSite()).isEqualTo("Strict");
      assertThat(cookie.getPath()).isEqualTo(StaffPaths.CONSOLE);
      // The console's idle limit (15 minutes), shorter than the members' (30 by default), on its own session row.
      double idleLeft = ((Number) Sql.value("select extract(epoch from expires_at - now()) from http_session "
          + "where id_hash = sha256(convert_to(?, 'UTF8'))", cookie.getValue())).doubleValue();
      assertThat(idleLeft).isBetween(14 * 60.0, 15 * 60.0);

      browser.driver().findElement(By.id("q")).sendKeys(member);
      browser.driver().findElement(By.id("search-submit")).click();
      assertThat(browser.visible("results").getText()).contains(member).contains("ロック中").contains("issued");
      browser.find("a.member-link").click();
      assertThat(browser.visible("member-locks").getText()).contains("ロック中").contains("パスワード・生年月日の失敗");

      browser.visible("action-unlock").click();
      assertThat(browser.textOnceItSays("notice", "ロックを解除しました。")).isEqualTo("ロックを解除しました。");
      assertThat(browser.visible("no-locks").isDisplayed()).isTrue();
      assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "id:" + member)).isZero();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.unlock' and login_id = ? "
          + "and outcome = 'ok' and detail->>'staff' = ?", member, admin)).isOne();

      // A password on the breached list is refused (the list is searched on a worker) and changes nothing.
      String issuedHash = (String) Sql.value("select password_hash from member where login_id = ?", member);
      browser.visible("to-given").click();
      browser.driver().findElement(By.id("given-password")).sendKeys("123qweasdzxc");
      browser.visible("action-password").click();
      assertThat(browser.textOnceItSays("notice", "指定したパスワードは加入者のパスワード規則を満たしません。何も変更していません。"))
          .isEqualTo("指定したパスワードは加入者のパスワード規則を満たしません。何も変更していません。");
      assertThat(Sql.value("select password_hash from member where login_id = ?", member)).isEqualTo(issuedHash);

      String chosen = "Kuma-no-ame-" + UUID.randomUUID().toString().substring(0, 6);
      browser.visible("to-given").click();
      browser.driver().findElement(By.id("given-password")).sendKeys(chosen);
      browser.visible("action-password").click();
      assertThat(browser.visible("shown-password").getText()).isEqualTo(chosen);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.password_reset' and login_id = ? "
          + "and detail->>'staff' = ? and detail->>'to' = 'given'", member, admin)).isOne();

      browser.visible("nav-staff").click();
      String helper = "hd-" + UUID.randomUUID().toString().substring(0, 6);
      browser.visible("new_staff_id").sendKeys(helper);
      browser.driver().findElement(By.id("new_staff_name")).sendKeys("窓口 太郎");
      browser.driver().findElement(By.id("add-staff")).click();
      assertThat(browser.visible("setup-link").getText()).startsWith(gateway.baseUrl() + StaffPaths.SETUP + "?token=");
      assertThat(browser.visible("staff-list").getText()).contains(helper).contains("helpdesk");
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.add' and detail->>'staff' = ? "
          + "and detail->>'account' = ?", admin, helper)).isOne();

      screenshots(browser, member, browser.visible("setup-link").getText());

      browser.visible("staff-logout").click();
      browser.waitForPath(StaffPaths.LOGIN);
      browser.open(gateway.baseUrl() + StaffPaths.MEMBERS);
      browser.waitForPath(StaffPaths.LOGIN);
    }
  }

  /**
   * The README's pictures (target/browser/console-*.png, copied to docs/console by hand): in Japanese,
   * the console's first language. A machine without Japanese fonts (fonts-noto-cjk) draws boxes
   * in them; nothing here checks the pictures, so the test does not depend on the fonts.
   */
  static void screenshots(Browser browser, String member, String helperLink) {
    lockId(member);
    browser.open(gateway.baseUrl() + StaffPaths.STAFF + "?lang=ja");
    browser.capture("console-staff");
    browser.open(gateway.baseUrl() + StaffPaths.MEMBERS + "?by=userId&q=" + member);
    browser.visible("results");
    browser.capture("console-search");
    browser.open(gateway.baseUrl() + ConsoleMemberRoutes.memberPath(member));
    browser.visible("member-locks");
    browser.capture("console-member");
    browser.open(gateway.baseUrl() + ConsoleRecordsRoutes.AUDIT + "?userId=" + member);
    browser.visible("audit-events");
    browser.capture("console-audit");
    browser.open(helperLink);
    browser.visible("totp-qr");
    browser.capture("console-setup");
    // Back to a page of the signed-in console (the set-up page has no sign-out).
    browser.open(gateway.baseUrl() + StaffPaths.MEMBERS);
  }

  /** Submits a forged form to a member action with the page's own CSRF token: only the role can refuse it. */
  static void forcePost(Browser browser, String action, Map<String, String> fields) {
    StringBuilder script = new StringBuilder("var f=document.createElement('form');f.method='post';f.action=arguments[0];"
        + "var c=document.createElement('input');c.name='_csrf';c.value=document.querySelector('input[name=_csrf]').value;"
        + "f.appendChild(c);");
    fields.forEach((name, value) -> script.append("var i=document.createElement('input');i.name='").append(name)
        .append("';i.value='").append(value).append("';f.appendChild(i);"));
    script.append("document.body.appendChild(f);f.submit();");
    browser.js().executeScript(script.toString(), action);
  }

  @Test
  void theCommandLineRefusesATakenIdAndAMalformedCall() {
    String id = "dup-" + UUID.randomUUID().toString().substring(0, 6);
    addStaff(id, "auditor");
    // Not set up yet: a second call issues a fresh link (a lost one), the old one stops working.
    String again = addStaff(id, "auditor");
    assertThat(again).startsWith(gateway.baseUrl() + StaffPaths.SETUP);
    Sql.update("update staff set password_hash = 'x' where id = ?", id);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var config = ConfigLoader.load(Map.of(), Map.of("db.url", TestDatabase.url()));
    int taken = StaffCommand.run(new String[] {"staff", "add", id, "--role", "admin"}, config,
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(taken).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("already in use").contains("nothing was changed");
    assertThat(Sql.value("select role from staff where id = ?", id)).isEqualTo("auditor");
    int malformed = StaffCommand.run(new String[] {"staff", "add", id, "--role", "boss"}, config,
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(malformed).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: java -jar sekisho.jar staff add");
  }

  @Test
  void helpdeskUnlocksButCannotResetAPasswordAndTheRefusalIsAudited() {
    String member = gateway.admin().newMember("stfh");
    String before = (String) Sql.value("select password_hash from member where login_id = ?", member);
    String helpdesk = "hd-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, helpdesk, "helpdesk");
      assertThat(browser.driver().findElements(By.id("nav-staff"))).isEmpty();
      String page = gateway.baseUrl() + ConsoleMemberRoutes.memberPath(member);
      browser.open(page);
      assertThat(browser.visible("action-unlock").isDisplayed()).isTrue();
      assertThat(browser.driver().findElements(By.id("action-password"))).isEmpty();
      assertThat(browser.driver().findElements(By.id("action-factors"))).isEmpty();

      forcePost(browser, page + "/password", Map.of("to", "rule"));
      assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
      assertThat(Sql.value("select password_hash from member where login_id = ?", member)).isEqualTo(before);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.refused' and detail->>'staff' = ? "
          + "and detail->>'permission' = 'reset_password'", helpdesk)).isOne();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.password_reset' and login_id = ?",
          member)).isZero();
      // The staff page is the admin's alone.
      browser.open(gateway.baseUrl() + StaffPaths.STAFF);
      assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
    }
  }

  @Test
  void auditorReadsButChangesNothing() {
    String member = gateway.admin().newMember("stfa");
    lockId(member);
    String auditor = "aud-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, auditor, "auditor");
      String page = gateway.baseUrl() + ConsoleMemberRoutes.memberPath(member);
      browser.open(page);
      assertThat(browser.visible("read-only").isDisplayed()).isTrue();
      assertThat(browser.driver().findElements(By.cssSelector("#member-actions button"))).isEmpty();
      for (String action : new String[] {"unlock", "deadline", "sessions", "factors", "onboarding", "password"}) {
        browser.open(page);
        forcePost(browser, page + "/" + action, Map.of("days", "5"));
        assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
      }
      assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "id:" + member)).isOne();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.refused' and detail->>'staff' = ?",
          auditor)).isEqualTo(6);
    }
  }

  @Test
  void wrongCodesLockTheStaffIdLikeAMemberId() {
    String operator = "op-" + UUID.randomUUID().toString().substring(0, 6);
    String link = addStaff(operator, "operator");
    try (Browser browser = Browser.start()) {
      byte[] key = setUp(browser, link);
      String wrong = code(key, 0).equals("000000") ? "111111" : "000000";
      String message = "";
      for (int attempt = 0; attempt < 5 && !message.contains("しばらく"); attempt++) {
        signIn(browser, operator, PASSWORD, wrong);
        message = browser.visible("error").getText();
      }
      assertThat(message).isEqualTo("失敗が続いたため、しばらくログインできません。時間をおいて再度お試しください。");
      // The right code changes nothing while the ID is locked.
      signIn(browser, operator, PASSWORD, code(key, 1));
      assertThat(browser.visible("error").getText()).contains("しばらく");
      assertThat(browser.path()).isEqualTo(StaffPaths.LOGIN);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.login' and outcome = 'locked' "
          + "and detail->>'staff' = ?", operator)).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void auditorPagesFiltersAndExportsTheAuditLogAndSeesLocksAndMail() {
    String member = gateway.admin().newMember("stfl");
    lockId(member);
    // 60 events of one (odd) user ID: two pages, and a cell a spreadsheet would run as a formula.
    String odd = "=cmd-" + UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < 60; i++) {
      Sql.update("insert into audit_event (login_id, kind, outcome) values (?, 'login.password', 'invalid')", odd);
    }
    String auditor = "aud-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, auditor, "auditor");

      browser.visible("nav-locks").click();
      assertThat(browser.visible("locks").getText()).contains(member);
      browser.visible("nav-mail").click();
      browser.waitForPath(ConsoleRecordsRoutes.MAIL);
      assertThat(browser.driver().findElements(By.cssSelector("#mails, #mail-none"))).hasSize(1);

      browser.visible("nav-audit").click();
      browser.visible("f-user").sendKeys(odd);
      browser.driver().findElement(By.id("audit-filter")).click();
      assertThat(browser.visible("audit-events").findElements(By.cssSelector("tbody tr"))).hasSize(50);
      assertThat(browser.driver().findElements(By.id("audit-previous"))).isEmpty();
      browser.visible("audit-next").click();
      assertThat(browser.visible("audit-page").getText()).isEqualTo("2");
      assertThat(browser.visible("audit-events").findElements(By.cssSelector("tbody tr"))).hasSize(10);
      assertThat(browser.driver().findElements(By.id("audit-next"))).isEmpty();
      assertThat(browser.visible("audit-previous").isDisplayed()).isTrue();

      String csv = (String) browser.js().executeAsyncScript(
          "var done=arguments[arguments.length-1];fetch(document.getElementById('audit-csv').href)"
              + ".then(function(r){return r.text();}).then(done);");
      assertThat(csv.lines()).hasSize(61);
      // (fetch's text() drops the BOM that the file starts with)
      assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("at,user_id,kind,outcome,staff,ip,user_agent,detail");
      assertThat(csv).contains("\"'" + odd + "\"").doesNotContain(",\"" + odd);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.audit.export' and detail->>'staff' = ?",
          auditor)).isOne();

      // The console's own reads are in the log, under the auditor's name.
      browser.open(gateway.baseUrl() + ConsoleRecordsRoutes.AUDIT + "?staffId=" + auditor + "&kind=admin.");
      assertThat(browser.visible("audit-events").getText()).contains("admin.locks.list").contains("admin.mail.undelivered")
          .doesNotContain("login.password");
      browser.open(gateway.baseUrl() + ConsoleRecordsRoutes.AUDIT + "?from=2026-13-45");
      assertThat(browser.visible("error").getText()).contains("YYYY-MM-DD");
    }
  }
}
