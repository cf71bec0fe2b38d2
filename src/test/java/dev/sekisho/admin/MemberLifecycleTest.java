package dev.sekisho.admin;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's standing (資格喪失, issue 16): deactivate, reactivate, remove through the JSON admin
 * API. A deactivated member's sessions end at once, through the reverse proxy, forward-auth and
 * the OTP API alike, and their login is refused; a removed member's credentials and personal data
 * are gone while the audit log keeps its events; only operator and admin roles may do either.
 */
class MemberLifecycleTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static final String VERIFY = "/sekisho/auth/verify";

  @Test
  void aDeactivatedMemberIsSignedOutEverywhereAndCannotLogInUntilReactivated() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    assertThat(browser.get(VERIFY).statusCode()).as("forward-auth before").isEqualTo(200);
    assertThat(browser.get("/").statusCode()).as("proxied portal before").isEqualTo(200);

    HttpResponse<String> done = gateway.admin().call("POST", "/members/" + id + "/deactivate", "{}", "application/json");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(new JsonObject(done.body()).getInteger("sessionsEnded")).isGreaterThanOrEqualTo(1);
    assertThat(browser.get(VERIFY).statusCode()).as("forward-auth after").isEqualTo(401);
    assertThat(browser.get("/").statusCode()).as("proxied portal after").isNotEqualTo(200);
    assertThat(Sql.count("select count(*) from http_session s join member m on m.id = s.member_id where m.login_id = ?", id))
        .isZero();
    assertThat(gateway.admin().member(id).getBoolean("active")).isFalse();
    assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.deactivate' and outcome = 'ok' "
        + "and login_id = ?", id)).isOne();

    // The right password: told to ask the insurer. A wrong one: the answer anyone gets.
    WebClientSession again = gateway.client();
    HttpResponse<String> refused = again.login(id, AdminClient.RULE_PASSWORD);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("このユーザーIDは現在ご利用いただけない");
    assertThat(again.cookie("sekisho.sid") == null
        || Sql.count("select count(*) from http_session where member_id is not null and id_hash = sha256(convert_to(?, 'UTF8'))",
            again.cookie("sekisho.sid")) == 0).as("no signed-in session").isTrue();
    HttpResponse<String> wrong = gateway.client().login(id, "wrong-password-1");
    HttpResponse<String> unknown = gateway.client().login("nobody-" + UUID.randomUUID(), "wrong-password-1");
    assertThat(wrong.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(401);
    HttpResponse<String> api = gateway.client().postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    assertThat(api.statusCode()).isEqualTo(403);
    assertThat(api.body()).contains("deactivated");
    assertThat(Sql.count("select count(*) from audit_event where kind = 'login.password' and outcome = 'deactivated' "
        + "and login_id = ?", id)).isEqualTo(2);

    error(gateway.admin().call("POST", "/members/" + id + "/deactivate", "{}", "application/json"), 409, "already_deactivated");

    HttpResponse<String> back = gateway.admin().call("POST", "/members/" + id + "/reactivate", "{}", "application/json");
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    error(gateway.admin().call("POST", "/members/" + id + "/reactivate", "{}", "application/json"), 409, "not_deactivated");
    WebClientSession later = gateway.client();
    assertThat(later.login(id, AdminClient.RULE_PASSWORD).statusCode()).as("login after reactivation").isEqualTo(303);
    assertThat(gateway.admin().member(id).getBoolean("active")).isTrue();
  }

  /**
   * A session that slipped past the deactivation (a sign-in that finished as the insurer pressed the
   * button) still does not reach the portal: the gateway reads the member with every request.
   */
  @Test
  void aSessionLeftOverForADeactivatedMemberDoesNotReachThePortal() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    assertThat(browser.get(VERIFY).statusCode()).isEqualTo(200);
    assertThat(Sql.update("update member set deactivated_at = now() where login_id = ?", id)).isOne();
    assertThat(browser.get(VERIFY).statusCode()).isEqualTo(401);
    assertThat(browser.get("/").statusCode()).isNotEqualTo(200);
  }

  @Test
  void removalErasesCredentialsAndPersonalDataButKeepsTheAuditTrail() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    long memberId = ((Number) Sql.value("select id from member where login_id = ?", id)).longValue();
    assertThat(Sql.count("select count(*) from otp_totp where member_id = ?", memberId)).isOne();
    long eventsBefore = Sql.count("select count(*) from audit_event where member_id = ?", memberId);

    // Without confirm the description refuses it (bad_confirm); with another ID, the call itself.
    error(gateway.admin().call("POST", "/members/" + id + "/remove", "{}", "application/json"), 400, "bad_confirm");
    error(gateway.admin().call("POST", "/members/" + id + "/remove", "{\"confirm\": \"someone-else\"}", "application/json"),
        400, "confirm_required");
    assertThat(Sql.count("select count(*) from member where id = ?", memberId)).as("nothing removed yet").isOne();

    HttpResponse<String> removed = gateway.admin().call("POST", "/members/" + id + "/remove",
        new JsonObject().put("confirm", id).encode(), "application/json");
    assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    assertThat(new JsonObject(removed.body()).getInteger("sessionsEnded")).isGreaterThanOrEqualTo(1);
    assertThat(browser.get(VERIFY).statusCode()).isEqualTo(401);
    for (String table : new String[] {"member_method", "otp_totp", "otp_recovery_code", "passkey", "http_session",
        "mail_outbox", "email_confirmation", "otp_email_code"}) {
      assertThat(Sql.count("select count(*) from " + table + " where member_id = ?", memberId)).as(table).isZero();
    }
    assertThat(Sql.count("select count(*) from member where id = ? or login_id = ? or email = ?", memberId, id,
        id + "@example.jp")).isZero();
    // The trail stays, linked by the numeric id and the user ID, and ends with the removal.
    assertThat(Sql.count("select count(*) from audit_event where member_id = ?", memberId)).isGreaterThan(eventsBefore);
    assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.remove' and outcome = 'ok' "
        + "and member_id = ? and login_id = ?", memberId, id)).isOne();
    assertThat(gateway.admin().call("GET", "/members/" + id, null, null).statusCode()).isEqualTo(404);
    // Logging in as the removed member is the unknown user's answer.
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(401);
    error(gateway.admin().call("POST", "/members/" + id + "/remove", new JsonObject().put("confirm", id).encode(),
        "application/json"), 404, "no_member");
  }

  @Test
  void helpdeskAndAuditorTokensAreRefusedAndAnOperatorTokenIsNamed() {
    String id = gateway.admin().newMember("life");
    String helpdesk = token("helpdesk");
    String auditor = token("auditor");
    for (String token : new String[] {helpdesk, auditor}) {
      AdminClient client = AdminClient.withToken(gateway.baseUrl(), token);
      assertThat(client.call("POST", "/members/" + id + "/deactivate", "{}", "application/json").statusCode()).isEqualTo(403);
      assertThat(client.call("POST", "/members/" + id + "/remove", new JsonObject().put("confirm", id).encode(),
          "application/json").statusCode()).isEqualTo(403);
    }
    assertThat(Sql.value("select deactivated_at from member where login_id = ?", id)).isNull();
    assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.forbidden' and detail->>'path' like ?",
        "%/members/" + id + "/%")).isEqualTo(4);

    String operatorToken = token("operator");
    String operator = (String) Sql.value("select staff_id from staff_token where label = ?", operatorToken);
    AdminClient asOperator = AdminClient.withToken(gateway.baseUrl(), operatorToken);
    assertThat(asOperator.call("POST", "/members/" + id + "/deactivate", "{}", "application/json").statusCode()).isEqualTo(200);
    assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.members.deactivate' and login_id = ? "
        + "and detail->>'staff' = ?", id, operator)).isOne();
  }

  /** A staff member of this role with an API token (made in SQL: the console's token page is StaffTokenTest's). */
  private static String token(String role) {
    String staff = role.substring(0, 2) + "-" + UUID.randomUUID().toString().substring(0, 6);
    String token = "skt_" + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    Sql.update("insert into staff (id, name, role) values (?, ?, ?)", staff, "Tester " + staff, role);
    Sql.update("insert into staff_token (staff_id, label, role, token_hash, expires_at) "
        + "values (?, ?, ?, sha256(convert_to(?, 'UTF8')), now() + interval '1 day')", staff, token, role, token);
    return token;
  }

  private static void error(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo(code);
  }
}
