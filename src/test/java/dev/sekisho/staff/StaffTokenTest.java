package dev.sekisho.staff;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;
import java.util.UUID;

import static dev.sekisho.staff.StaffConsoleBrowserTest.signedIn;
import static dev.sekisho.staff.StaffConsoleBrowserTest.forcePost;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-staff API tokens: made in the console (shown once, stored hashed), accepted by the JSON admin
 * API beside the bootstrap token, scoped to their role (refusals audited), naming the staff member
 * in the audit log, and dead once revoked or expired.
 */
class StaffTokenTest {
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

  static String createToken(Browser browser, String label, String role) {
    browser.open(gateway.baseUrl() + ConsoleTokenRoutes.TOKENS);
    browser.visible("token-label").sendKeys(label);
    new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("token-role"))).selectByValue(role);
    browser.driver().findElement(By.id("token-create")).click();
    return browser.visible("new-token").getText();
  }

  @Test
  void aStaffTokenWorksWithinItsRoleNamesItsOwnerAndDiesWhenRevokedOrExpired() {
    String member = gateway.admin().newMember("tok");
    String before = (String) Sql.value("select password_hash from member where login_id = ?", member);
    String admin = "adm-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, admin, "admin");
      String operator = createToken(browser, "batch", "operator");
      String helpdesk = createToken(browser, "phone", "helpdesk");
      assertThat(operator).startsWith(StaffTokens.PREFIX);
      // Stored hashed only.
      assertThat(Sql.count("select count(*) from staff_token where staff_id = ?", admin)).isEqualTo(2);
      assertThat(Sql.count("select count(*) from staff_token where encode(token_hash, 'escape') like ?", "%" + operator + "%"))
          .isZero();

      AdminClient asOperator = AdminClient.withToken(gateway.baseUrl(), operator);
      assertThat(asOperator.call("GET", "/members/" + member, null, null).statusCode()).isEqualTo(200);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.view' and login_id = ? "
          + "and detail->>'staff' = ? and detail->>'via' = 'api'", member, admin)).isOne();

      // An import through a staff token: the token look-up holds the body for the import's body handler.
      var imported = asOperator.call("POST", "/members/import", "user_id,symbol,number,birthdate,name,email\n"
          + member + "-b,12,3456,1980-04-01,テスト 次郎," + member + "-b@example.jp\n", "text/csv");
      assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.import' and detail->>'staff' = ?",
          admin)).isOne();

      AdminClient asHelpdesk = AdminClient.withToken(gateway.baseUrl(), helpdesk);
      var refused = asHelpdesk.call("POST", "/members/" + member + "/password", "{}", "application/json");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("forbidden");
      assertThat(asHelpdesk.call("POST", "/members/import", "user_id\n", "text/csv").statusCode()).isEqualTo(403);
      assertThat(Sql.value("select password_hash from member where login_id = ?", member)).isEqualTo(before);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.forbidden' and detail->>'staff' = ?", admin))
          .isEqualTo(2);
      assertThat(asHelpdesk.call("POST", "/members/" + member + "/unlock", "{}", "application/json").statusCode())
          .isEqualTo(200);
      // The bootstrap token keeps working beside them.
      assertThat(gateway.admin().call("GET", "/members/" + member, null, null).statusCode()).isEqualTo(200);

      // Revoked in the console (the newest, helpdesk, comes first): refused from then on.
      browser.open(gateway.baseUrl() + ConsoleTokenRoutes.TOKENS);
      // The answer comes back to the same path: wait for the page the form's POST brings, not the path.
      browser.clickAndAwaitNewPage(browser.find("button.revoke"));
      browser.waitForPath(ConsoleTokenRoutes.TOKENS);
      assertThat(asHelpdesk.call("GET", "/members/" + member, null, null).statusCode()).isEqualTo(401);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.token.revoke' and outcome = 'ok' "
          + "and detail->>'staff' = ?", admin)).isOne();
      // Expired: refused too.
      Sql.update("update staff_token set expires_at = now() - interval '1 second' where staff_id = ?", admin);
      assertThat(asOperator.call("GET", "/members/" + member, null, null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aHelpdeskMemberCannotMakeAWiderToken() {
    String helpdesk = "hd-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, helpdesk, "helpdesk");
      browser.open(gateway.baseUrl() + ConsoleTokenRoutes.TOKENS);
      assertThat(browser.find("#token-role").getText()).contains("helpdesk").contains("auditor")
          .doesNotContain("operator").doesNotContain("admin");
      forcePost(browser, gateway.baseUrl() + ConsoleTokenRoutes.TOKENS, Map.of("label", "x", "role", "admin", "days", "30"));
      assertThat(browser.visible("error").getText()).contains("自分の役割以下");
      assertThat(Sql.count("select count(*) from staff_token where staff_id = ?", helpdesk)).isZero();
      // A deactivated owner's tokens stop working at once.
      String token = createToken(browser, "phone", "helpdesk");
      AdminClient client = AdminClient.withToken(gateway.baseUrl(), token);
      assertThat(client.call("GET", "/locks", null, null).statusCode()).isEqualTo(200);
      Sql.update("update staff set active = false where id = ?", helpdesk);
      assertThat(client.call("GET", "/locks", null, null).statusCode()).isEqualTo(401);
    }
  }
}
