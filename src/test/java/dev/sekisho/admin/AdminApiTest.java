package dev.sekisho.admin;

import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Every admin call: its answer, its validation errors, and its audit record. */
class AdminApiTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  @Test
  void searchByIdPrefixNameAndEmailWithPaging() {
    String tag = "srch" + UUID.randomUUID().toString().substring(0, 6);
    String a = admin.newMember(tag);
    String b = admin.newMember(tag);
    JsonObject byPrefix = ok(admin.call("GET", "/members?userIdPrefix=" + tag + "&size=1", null, null));
    assertThat(byPrefix.getJsonArray("members")).hasSize(1);
    assertThat(byPrefix.getBoolean("more")).isTrue();
    JsonObject second = ok(admin.call("GET", "/members?userIdPrefix=" + tag + "&size=1&page=2", null, null));
    assertThat(second.getJsonArray("members").getJsonObject(0).getString("userId"))
        .isNotEqualTo(byPrefix.getJsonArray("members").getJsonObject(0).getString("userId"));
    assertThat(second.getBoolean("more")).isFalse();
    JsonObject byEmail = ok(admin.call("GET", "/members?email=" + a.toUpperCase() + "@EXAMPLE", null, null));
    assertThat(byEmail.getJsonArray("members")).hasSize(1);
    assertThat(byEmail.getJsonArray("members").getJsonObject(0).getString("userId")).isEqualTo(a);
    JsonObject byName = ok(admin.call("GET", "/members?userIdPrefix=" + tag + "&name=" + enc("花子"), null, null));
    assertThat(byName.getJsonArray("members")).hasSize(2);
    assertThat(ok(admin.call("GET", "/members?userIdPrefix=" + b + "&name=" + enc("太郎"), null, null))
        .getJsonArray("members")).isEmpty();

    error(admin.call("GET", "/members?size=0", null, null), 400, "bad_size");
    error(admin.call("GET", "/members?size=101", null, null), 400, "bad_size");
    error(admin.call("GET", "/members?page=x", null, null), 400, "bad_page");
    error(admin.call("GET", "/members?name=" + "x".repeat(101), null, null), 400, "bad_name");
    assertThat(audit("kind=admin.members.search&outcome=ok")).isNotEmpty();
    assertThat(audit("kind=admin.members.search&outcome=bad_size")).isNotEmpty();
    assertThat(audit("kind=admin.members.search&outcome=bad_page")).isNotEmpty();
  }

  @Test
  void viewShowsStateMethodsLockAndLastLogin() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    JsonObject member = ok(admin.call("GET", "/members/" + id, null, null));
    assertThat(member.getString("onboardingState")).isEqualTo("method_set_up");
    assertThat(member.getJsonArray("methods").getJsonObject(0).getString("method")).isEqualTo("totp");
    assertThat(member.getJsonObject("lock").getBoolean("locked")).isFalse();
    assertThat(member.getString("lastLoginAt")).isNotNull();
    assertThat(member.getInteger("activeSessions")).isEqualTo(1);
    assertThat(member.containsKey("passwordHash")).isFalse();
    assertThat(audit("userId=" + id + "&kind=admin.members.view")).hasSize(1);

    error(admin.call("GET", "/members/nobody-" + UUID.randomUUID(), null, null), 404, "no_member");
    assertThat(audit("kind=admin.members.view&outcome=no_member")).isNotEmpty();
  }

  @Test
  void passwordResetToAGivenOneAndToTheRule() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    Sql.update("update member set password_must_change = false where login_id = ?", id);

    error(admin.call("POST", "/members/" + id + "/password", "{\"password\":\"short\"}", "application/json"), 400, "bad_password");
    error(admin.call("POST", "/members/" + id + "/password", "{\"password\":12345678}", "application/json"), 400, "bad_password");
    error(admin.call("POST", "/members/" + id + "/password", "{not json", "application/json"), 400, "bad_json");
    error(admin.call("POST", "/members/nobody-" + UUID.randomUUID() + "/password", "{}", "application/json"), 404, "no_member");
    assertThat(audit("userId=" + id + "&kind=admin.members.password_reset&outcome=bad_password")).hasSize(2);

    JsonObject given = ok(admin.call("POST", "/members/" + id + "/password", "{\"password\":\"新しい合言葉-2026-冬\"}", "application/json"));
    assertThat(given.getString("to")).isEqualTo("given");
    assertThat(given.getInteger("sessionsEnded")).isEqualTo(1);
    assertThat(browser.get("/").statusCode()).isEqualTo(303);
    assertThat(ok(admin.call("GET", "/members/" + id, null, null)).getBoolean("passwordMustChange")).isTrue();
    assertThat(gateway.client().login(id, "新しい合言葉-2026-冬").statusCode()).isEqualTo(303);
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(401);

    JsonObject rule = ok(admin.call("POST", "/members/" + id + "/password", null, null));
    assertThat(rule.getString("to")).isEqualTo("rule");
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    JsonArray events = audit("userId=" + id + "&kind=admin.members.password_reset&outcome=ok");
    assertThat(events).hasSize(2);
    assertThat(events.getJsonObject(0).getJsonObject("detail").getString("to")).isEqualTo("rule");
    assertThat(events.encode()).doesNotContain("新しい合言葉");
  }

  @Test
  void factorResetRemovesEveryCredentialOfEveryMethod() {
    String id = admin.newMember("lost-phone");
    Sql.memberSetUp(id, "totp");
    long memberId = Sql.count("select id from member where login_id = ?", id);
    Sql.update("insert into otp_totp (member_id, key_id, secret) values (?, 'k1', '\\x00'::bytea)", memberId);
    Sql.update("insert into otp_recovery_code (member_id, code_hash, key_id) values (?, '\\x01'::bytea, 'k1')", memberId);
    Sql.update("insert into passkey (member_id, credential_id, public_key, name) values (?, ?, '\\x02'::bytea, 'phone')",
        memberId, "cred-" + id);
    Sql.update("insert into member_method (member_id, method) values (?, 'passkey')", memberId);

    JsonObject reset = ok(admin.call("POST", "/members/" + id + "/factors/reset", null, null));
    assertThat(reset.getInteger("methodsRemoved")).isEqualTo(2);
    for (String table : java.util.List.of("otp_totp", "otp_recovery_code", "passkey", "member_method")) {
      assertThat(Sql.count("select count(*) from " + table + " where member_id = ?", memberId)).as(table).isZero();
    }
  }

  @Test
  void factorResetSendsTheMemberBackToSetUp() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    JsonObject reset = ok(admin.call("POST", "/members/" + id + "/factors/reset", null, null));
    assertThat(reset.getInteger("methodsRemoved")).isEqualTo(1);
    assertThat(reset.getString("onboardingState")).isEqualTo("onboarded");
    assertThat(reset.getInteger("sessionsEnded")).isEqualTo(1);
    JsonObject member = ok(admin.call("GET", "/members/" + id, null, null));
    assertThat(member.getJsonArray("methods")).isEmpty();
    assertThat(browser.get("/").statusCode()).isEqualTo(303);
    HttpResponse<String> login = gateway.client().login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/setup/totp");
    assertThat(audit("userId=" + id + "&kind=admin.members.factors_reset&outcome=ok").getJsonObject(0)
        .getJsonObject("detail").getInteger("methodsRemoved")).isEqualTo(1);

    // A member still onboarding keeps their place.
    String fresh = admin.newMember("fresh");
    assertThat(ok(admin.call("POST", "/members/" + fresh + "/factors/reset", null, null)).getString("onboardingState"))
        .isEqualTo("issued");
    error(admin.call("POST", "/members/nobody-" + UUID.randomUUID() + "/factors/reset", null, null), 404, "no_member");
  }

  @Test
  void viewShowsTheSetUpDeadlineAndWhyEachStepIsLocked() {
    // Issue 16 item 4: the deadline and each lock's reason, not only in the extend call's answer.
    String id = admin.newMember("why");
    dev.sekisho.testing.Sql.update("update member set setup_deadline = now() + interval '3 days' where login_id = ?", id);
    for (int i = 0; i < 5; i++) {
      gateway.client().login(id, "wrong-password");
    }
    JsonObject member = ok(admin.call("GET", "/members/" + id, null, null));
    assertThat(member.getString("setupDeadline")).isNotBlank();
    // At the defaults the 4th wrong password starts a back-off wait; the 5th is refused unevaluated.
    assertThat(member.getJsonObject("lock").getString("reason")).isEqualTo("backoff_wait");
    assertThat(member.getJsonObject("secondStepLock").getBoolean("locked")).isFalse();
    assertThat(member.getJsonObject("secondStepLock").getString("reason")).isNull();
  }

  @Test
  void unlockAndEndSessionsAreAudited() {
    String id = admin.newMember("unl");
    for (int i = 0; i < 5; i++) {
      gateway.client().login(id, "wrong-password");
    }
    assertThat(ok(admin.call("GET", "/members/" + id, null, null)).getJsonObject("lock").getBoolean("locked")).isTrue();
    assertThat(ok(admin.call("POST", "/members/" + id + "/unlock", null, null)).getBoolean("unlocked")).isTrue();
    assertThat(ok(admin.call("POST", "/members/" + id + "/unlock", null, null)).getBoolean("unlocked")).isFalse();
    assertThat(audit("userId=" + id + "&kind=admin.members.unlock&outcome=ok")).hasSize(1);
    assertThat(audit("userId=" + id + "&kind=admin.members.unlock&outcome=not_locked")).hasSize(1);

    JsonObject none = ok(admin.call("POST", "/members/" + id + "/sessions/end", null, null));
    assertThat(none.getInteger("sessionsEnded")).isZero();
    assertThat(audit("userId=" + id + "&kind=admin.members.sessions_end").getJsonObject(0).getJsonObject("detail")
        .getInteger("sessionsEnded")).isZero();
    error(admin.call("POST", "/members/nobody-" + UUID.randomUUID() + "/sessions/end", null, null), 404, "no_member");
  }

  @Test
  void auditLogFiltersAndValidation() {
    String id = admin.newMember("aud");
    gateway.client().login(id, "wrong-password");
    gateway.client().login(id, AdminClient.RULE_PASSWORD);
    JsonArray logins = audit("userId=" + id + "&kind=login.");
    assertThat(logins).hasSize(2);
    assertThat(logins.getJsonObject(0).getString("outcome")).isEqualTo("success");
    assertThat(logins.getJsonObject(0).getString("ip")).startsWith("10.");
    assertThat(audit("userId=" + id + "&kind=login.password&outcome=invalid")).hasSize(1);
    String now = enc(OffsetDateTime.now().plusMinutes(1).toString());
    String hourAgo = enc(OffsetDateTime.now().minusHours(1).toString());
    assertThat(audit("userId=" + id + "&kind=login.&from=" + hourAgo + "&to=" + now)).hasSize(2);
    assertThat(audit("userId=" + id + "&kind=login.&from=" + now)).isEmpty();
    JsonObject page = ok(admin.call("GET", "/audit?userId=" + id + "&kind=login.&size=1", null, null));
    assertThat(page.getJsonArray("events")).hasSize(1);
    assertThat(page.getBoolean("more")).isTrue();
    assertThat(audit("userId=nobody-" + UUID.randomUUID())).isEmpty();

    error(admin.call("GET", "/audit?from=yesterday", null, null), 400, "bad_from");
    error(admin.call("GET", "/audit?from=" + now + "&to=" + hourAgo, null, null), 400, "bad_range");
    error(admin.call("GET", "/audit?kind=DROP%20TABLE", null, null), 400, "bad_kind");
    error(admin.call("GET", "/audit?outcome=a-b", null, null), 400, "bad_outcome");
    error(admin.call("GET", "/audit?size=1000", null, null), 400, "bad_size");
    assertThat(audit("kind=admin.audit.read&outcome=bad_range")).isNotEmpty();
  }

  @Test
  void callsWithoutTheTokenAreRefused() {
    AdminClient stranger = AdminClient.withToken(gateway.baseUrl(), "not-the-token-0000000000000000");
    HttpResponse<String> refused = stranger.call("GET", "/members?userIdPrefix=a", null, null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    assertThat(audit("kind=admin.unauthorized&outcome=bad_token")).isNotEmpty();
  }

  private static JsonObject ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static void error(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
  }

  private static JsonArray audit(String query) {
    return ok(admin.call("GET", "/audit?size=100&" + query, null, null)).getJsonArray("events");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
