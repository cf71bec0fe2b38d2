package dev.sekisho.staff;

import dev.sekisho.testing.Browser;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's member import in headless Chromium (issue 16 item 2): an operator uploads a file,
 * reads the dry-run report (nothing changed yet), starts the job, watches its progress page and
 * reads the result; a bad file's report lists every bad line and offers no start; a helpdesk
 * member sees no upload form and is refused (audited) when forcing a start.
 */
class ImportConsoleBrowserTest {
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    // Small chunks and one hash at a time, so the progress page is seen while the job runs.
    gateway = TestGateway.start(Map.of("import.chunkRows", "10", "import.hashesInFlight", "1"));
    StaffConsoleBrowserTest.gateway = gateway;
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Path file(String name, String text) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "import-files"));
      return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toAbsolutePath();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String members(String prefix, int count) {
    StringBuilder csv = new StringBuilder("user_id,symbol,number,birthdate,name,email\n");
    for (int n = 1; n <= count; n++) {
      csv.append(prefix).append('-').append(n).append(",12,3456,1980-04-01,取込 ").append(n).append(',')
          .append(prefix).append('-').append(n).append("@example.jp\n");
    }
    return csv.toString();
  }

  static void upload(Browser browser, Path file) {
    browser.open(gateway.baseUrl() + ConsoleImportRoutes.IMPORTS);
    browser.visible("import-file").sendKeys(file.toString());
    browser.driver().findElement(By.id("import-check")).click();
    browser.visible("import-report");
  }

  @Test
  void anOperatorChecksStartsWatchesAndReadsTheResult() {
    String existing = gateway.admin().newMember("icb");
    String prefix = "icb-" + UUID.randomUUID().toString().substring(0, 6);
    String operator = "op-" + UUID.randomUUID().toString().substring(0, 6);
    String csv = members(prefix, 60) + existing + ",12,3456,1980-04-01,更新 済み," + existing + "@example.jp\n";
    try (Browser browser = Browser.start()) {
      StaffConsoleBrowserTest.signedIn(browser, operator, "operator");
      browser.visible("nav-imports").click();
      upload(browser, file(prefix + ".csv", csv));
      assertThat(browser.visible("import-state").getAttribute("data-state")).isEqualTo("checked");
      assertThat(browser.visible("report-rows").getText()).isEqualTo("61");
      assertThat(browser.visible("report-insert").getText()).isEqualTo("60");
      assertThat(browser.visible("report-update").getText()).isEqualTo("1");
      assertThat(browser.visible("report-refused").getText()).isEqualTo("0");
      // The dry-run changed nothing.
      assertThat(Sql.count("select count(*) from member where login_id like ?", prefix + "-%")).isZero();
      long job = Long.parseLong(browser.path().substring(browser.path().lastIndexOf('/') + 1));
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.imports.check' and detail->>'staff' = ? "
          + "and (detail->>'job')::bigint = ?", operator, job)).isOne();
      browser.capture("console-import-report");

      browser.visible("import-start").click();
      assertThat(browser.textOnceItSays("notice", "取込を開始しました。")).isEqualTo("取込を開始しました。");
      // The progress page, refreshing itself while the job runs (60 hashes, ten rows a chunk).
      // Read by script: the page reloads itself every 2 s, so an element found a moment ago may be gone.
      assertThat(browser.js().executeScript("var b = document.getElementById('import-bar'); return b && b.max;"))
          .isIn(61L, 61.0, null);
      browser.capture("console-import-progress");
      new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofMinutes(3))
          .until(d -> "done".equals(browser.js().executeScript(
              "var e = document.getElementById('import-state'); return e && e.getAttribute('data-state');")));
      assertThat(browser.visible("result-inserted").getText()).isEqualTo("60");
      assertThat(browser.visible("result-updated").getText()).isEqualTo("1");
      assertThat(browser.visible("result-passwords").getText()).isEqualTo("61");
      assertThat(browser.driver().findElements(By.id("import-bar"))).isEmpty();
      browser.capture("console-import-result");
      assertThat(Sql.count("select count(*) from member where login_id like ?", prefix + "-%")).isEqualTo(60);
      assertThat(Sql.value("select name from member where login_id = ?", existing)).isEqualTo("更新 済み");
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.imports.start' and detail->>'staff' = ? "
          + "and (detail->>'job')::bigint = ?", operator, job)).isOne();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.imports.done' and detail->>'staff' = ? "
          + "and (detail->>'job')::bigint = ?", operator, job)).isOne();
      // The list shows it.
      browser.visible("imports-back").click();
      assertThat(browser.visible("import-jobs").getText()).contains("#" + job).contains(prefix);
    }
  }

  @Test
  void aBadFileIsReportedLineByLineAndAHelpdeskMemberCannotStartIt() {
    String prefix = "icx-" + UUID.randomUUID().toString().substring(0, 6);
    String bad = "user_id,symbol,number,birthdate,name,email\n"
        + prefix + "-1,12,3456,1980-04-01,良い 行," + prefix + "-1@example.jp\n"
        + prefix + "-2,12,3456,19800231,日付 不正," + prefix + "-2@example.jp\n"
        + prefix + "-3,12,3456,1980-04-01,宛先 不正,no-at-sign\n";
    String operator = "op-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      StaffConsoleBrowserTest.signedIn(browser, operator, "operator");
      upload(browser, file(prefix + "-bad.csv", bad));
      assertThat(browser.visible("import-state").getAttribute("data-state")).isEqualTo("rejected");
      assertThat(browser.visible("report-refused").getText()).isEqualTo("2");
      String problems = browser.visible("import-problems").getText();
      assertThat(problems).contains("3").contains("birthdate").contains("4").contains("email");
      assertThat(browser.visible("rejected-hint").isDisplayed()).isTrue();
      assertThat(browser.driver().findElements(By.id("import-start"))).isEmpty();
      browser.capture("console-import-rejected");
    }
    assertThat(Sql.count("select count(*) from member where login_id like ?", prefix + "-%")).isZero();

    long checked = ((Number) Sql.value("select id from import_job where state = 'rejected' and checked_by = ?", operator))
        .longValue();
    String good = "icy-" + UUID.randomUUID().toString().substring(0, 6);
    long clean = gatewayCheck(members(good, 2));
    String helpdesk = "hd-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      StaffConsoleBrowserTest.signedIn(browser, helpdesk, "helpdesk");
      browser.open(gateway.baseUrl() + ConsoleImportRoutes.IMPORTS);
      assertThat(browser.visible("import-jobs").getText()).contains("#" + checked);
      assertThat(browser.driver().findElements(By.id("import-form"))).isEmpty();
      browser.open(gateway.baseUrl() + ConsoleImportRoutes.jobPath(clean));
      assertThat(browser.driver().findElements(By.id("import-start"))).isEmpty();
      StaffConsoleBrowserTest.forcePost(browser, gateway.baseUrl() + ConsoleImportRoutes.jobPath(clean) + "/start", Map.of());
      assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
    }
    assertThat(Sql.value("select state from import_job where id = ?", clean)).isEqualTo("checked");
    assertThat(Sql.count("select count(*) from member where login_id like ?", good + "-%")).isZero();
    assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.refused' and detail->>'staff' = ? "
        + "and detail->>'permission' = 'import'", helpdesk)).isOne();
  }

  /** A clean file checked over the API (the bootstrap token): a job waiting in state checked. */
  static long gatewayCheck(String csv) {
    var response = gateway.admin().call("POST", "/imports?dryRun=true", csv, "text/csv; charset=utf-8");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new io.vertx.core.json.JsonObject(response.body()).getLong("id");
  }
}
