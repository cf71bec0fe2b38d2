package dev.sekisho.staff;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;
import java.util.UUID;

import static dev.sekisho.staff.StaffConsoleBrowserTest.forcePost;
import static dev.sekisho.staff.StaffConsoleBrowserTest.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deactivate, reactivate and remove a member (資格喪失) from the console's member page in headless
 * Chromium: each asks for a confirmation, names the staff member in the audit log, and takes effect
 * on the member's live session through the gateway at once; a helpdesk clerk may do none of it.
 */
class ConsoleLifecycleBrowserTest {
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

  @Test
  void anOperatorDeactivatesReactivatesAndRemovesAMember() {
    WebClientSession member = gateway.client();
    String id = SignedIn.member(gateway, member, "totp");
    assertThat(member.get("/sekisho/auth/verify").statusCode()).isEqualTo(200);
    String operator = "op-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, operator, "operator");
      String page = gateway.baseUrl() + ConsoleMemberRoutes.memberPath(id);
      browser.open(page);
      assertThat(browser.visible("member-standing").getText()).isEqualTo("有効");

      // Without the tick (a forged form: the page's box is required), nothing changes.
      forcePost(browser, page + "/deactivate", Map.of());
      assertThat(browser.textOnceItSays("notice", "確認欄にチェックがない")).contains("確認欄にチェックがない");
      assertThat(Sql.value("select deactivated_at from member where login_id = ?", id)).isNull();

      browser.visible("confirm-deactivate").click();
      browser.visible("action-deactivate").click();
      assertThat(browser.textOnceItSays("notice", "加入者を無効にし、すべてのセッションを終了しました。")).isEqualTo("加入者を無効にし、すべてのセッションを終了しました。");
      assertThat(browser.visible("member-standing").getText()).contains("無効");
      assertThat(member.get("/sekisho/auth/verify").statusCode()).as("the member's session ended").isEqualTo(401);
      assertThat(member.get("/").statusCode()).as("the proxy refuses it too").isNotEqualTo(200);
      assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(403);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.deactivate' and login_id = ? "
          + "and detail->>'staff' = ? and detail->>'via' = 'console'", id, operator)).isOne();

      browser.visible("confirm-reactivate").click();
      browser.visible("action-reactivate").click();
      assertThat(browser.textOnceItSays("notice", "加入者を再び有効にしました。")).isEqualTo("加入者を再び有効にしました。");
      assertThat(browser.visible("member-standing").getText()).isEqualTo("有効");
      assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.reactivate' and login_id = ? "
          + "and detail->>'staff' = ?", id, operator)).isOne();

      // Removal asks for the user ID again.
      browser.visible("confirm-remove").sendKeys("not-" + id);
      browser.visible("action-remove").click();
      assertThat(browser.textOnceItSays("notice", "ユーザーIDが一致しない")).contains("ユーザーIDが一致しない");
      assertThat(Sql.count("select count(*) from member where login_id = ?", id)).isOne();

      browser.visible("confirm-remove").sendKeys(id);
      browser.visible("action-remove").click();
      browser.waitForPath(StaffPaths.MEMBERS);
      assertThat(browser.textOnceItSays("notice", "加入者を削除しました")).contains("加入者を削除しました");
      assertThat(Sql.count("select count(*) from member where login_id = ?", id)).isZero();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.remove' and login_id = ? "
          + "and detail->>'staff' = ?", id, operator)).isOne();
      browser.open(page);
      assertThat(browser.visible("error-message").getText()).contains("このユーザーIDの加入者はいません");
    }
  }

  @Test
  void helpdeskSeesNoButtonsAndIsRefusedAForgedDeactivationOrRemoval() {
    String id = gateway.admin().newMember("lifeh");
    String helpdesk = "hd-" + UUID.randomUUID().toString().substring(0, 6);
    try (Browser browser = Browser.start()) {
      signedIn(browser, helpdesk, "helpdesk");
      String page = gateway.baseUrl() + ConsoleMemberRoutes.memberPath(id);
      browser.open(page);
      assertThat(browser.visible("member-standing").getText()).isEqualTo("有効");
      assertThat(browser.driver().findElements(By.id("action-deactivate"))).isEmpty();
      assertThat(browser.driver().findElements(By.id("action-remove"))).isEmpty();

      forcePost(browser, page + "/deactivate", Map.of("confirm", "yes"));
      assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
      browser.open(page);
      forcePost(browser, page + "/remove", Map.of("confirm", id));
      assertThat(browser.visible("error-message").getText()).isEqualTo("この操作を行う権限がありません。");
      assertThat(Sql.value("select deactivated_at from member where login_id = ?", id)).isNull();
      assertThat(Sql.count("select count(*) from member where login_id = ?", id)).isOne();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'staff.refused' and detail->>'staff' = ? "
          + "and detail->>'permission' in ('deactivate', 'remove')", helpdesk)).isEqualTo(2);
    }
  }
}
