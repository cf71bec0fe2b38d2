package dev.sekisho.login;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guessing limits with their exponential back-off, across two gateway processes that share
 * only PostgreSQL. Waits are long (10 minutes and up) so nothing depends on timing: the passing of
 * a wait is simulated by moving its end to now in the database.
 */
class AbuseLimitsTest {
  static final Map<String, String> CONFIG = Map.ofEntries(
      Map.entry("login.maxFailures", "10"), Map.entry("otp.maxFailures", "10"),
      Map.entry("login.backoffAfter", "2"), Map.entry("login.backoffBaseSeconds", "600"),
      Map.entry("login.backoffMaxSeconds", "2400"),
      Map.entry("login.ipMaxFailures", "6"), Map.entry("login.ipBackoffAfter", "100"),
      Map.entry("onboarding.resendCooldownSeconds", "0"),
      Map.entry("login.mailPerMemberPerHour", "3"), Map.entry("login.mailPerAddressPerHour", "5"),
      Map.entry("otp.resendCooldownSeconds", "0"));
  @RegisterExtension
  static final GatewayExtension first = GatewayExtension.with(CONFIG);
  @RegisterExtension
  static final GatewayExtension second = GatewayExtension.with(CONFIG);
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = first.admin();
  }

  /** Seconds until the subject's back-off wait ends (0 when none). */
  static long waitSeconds(String subject) {
    Object v = Sql.value("select coalesce(extract(epoch from wait_until - now()), 0)::bigint from login_throttle where subject = ?", subject);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** As if the wait had run out: the next attempt is evaluated again. */
  static void waitPasses(String subject) {
    Sql.update("update login_throttle set wait_until = now() where subject = ?", subject);
  }

  static TestGateway at(int i) {
    return i % 2 == 0 ? first : second;
  }

  @Test
  void passwordFailuresDoubleTheWaitAcrossBothGatewaysUpToTheCap() {
    String id = admin.newMember("backoff");
    String subject = "id:" + id;
    // Two free failures, one on each gateway.
    assertThat(first.client().login(id, "bad-1").statusCode()).isEqualTo(401);
    assertThat(second.client().login(id, "bad-2").statusCode()).isEqualTo(401);
    assertThat(waitSeconds(subject)).isZero();
    // The third wrong guess is answered as wrong, and starts the first wait.
    assertThat(first.client().login(id, "bad-3").statusCode()).isEqualTo(401);
    assertThat(waitSeconds(subject)).isBetween(590L, 600L);
    // During the wait even the right password is not evaluated, on either gateway, and is not counted.
    HttpResponse<String> held = second.client().login(id, AdminClient.RULE_PASSWORD);
    assertThat(held.statusCode()).isEqualTo(429);
    assertThat(held.body()).contains("しばらくの間ログインできません");
    assertThat(Sql.value("select failures from login_throttle where subject = ?", subject)).isEqualTo(3);
    long expected = 600;
    for (int i = 4; i <= 6; i++) {
      waitPasses(subject);
      assertThat(at(i).client().login(id, "bad-" + i).statusCode()).isEqualTo(401);
      expected = Math.min(expected * 2, 2400);
      assertThat(waitSeconds(subject)).as("wait after failure " + i).isBetween(expected - 10, expected);
    }
    // Capped: one more failure keeps the longest wait.
    waitPasses(subject);
    assertThat(first.client().login(id, "bad-7").statusCode()).isEqualTo(401);
    assertThat(waitSeconds(subject)).isBetween(2390L, 2400L);
    assertThat(admin.member(id).getJsonObject("lock").getBoolean("locked")).as("the insurer sees it").isTrue();
    // The insurer lifts it; the right password then works and clears the count.
    admin.call("POST", "/members/" + id + "/unlock", null, null);
    assertThat(second.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    assertThat(Sql.count("select count(*) from login_throttle where subject = ?", subject)).isZero();
  }

  @Test
  void aHeldBackMemberAndAnUnknownIdSeeTheSameHelpfulPage() {
    String id = admin.newMember("same");
    String unknown = "ghost-" + UUID.randomUUID();
    HttpResponse<String> known = null;
    HttpResponse<String> ghost = null;
    for (int i = 0; i < 4; i++) {
      known = at(i).client().login(id, "bad-" + i);
      ghost = at(i + 1).client().login(unknown, "bad-" + i);
      assertThat(known.statusCode()).as("attempt " + i).isEqualTo(ghost.statusCode());
    }
    assertThat(known.statusCode()).isEqualTo(429);
    assertThat(LoginTest.normalise(known.body(), id)).isEqualTo(LoginTest.normalise(ghost.body(), unknown))
        .contains("時間をおいて再度お試しいただくか、健康保険組合にお問い合わせください");
  }

  @Test
  void wrongCodesBackOffPerMemberAcrossGatewaysAndTheInsurerUnlockClearsTheSecondStep() {
    String id = admin.newMember("codes");
    Sql.memberSetUp(id, "totp");
    long memberId = ((Number) Sql.value("select id from member where login_id = ?", id)).longValue();
    String subject = "otp:" + memberId;
    WebClientSession atFirst = first.client();
    assertThat(atFirst.login(id, AdminClient.RULE_PASSWORD).headers().firstValue("Location")).contains("/sekisho/verify");
    atFirst.get("/sekisho/verify/recovery");
    WebClientSession atSecond = atFirst.sameBrowserAt(second.baseUrl());
    assertThat(atFirst.post("/sekisho/verify/recovery", Map.of("code", "aaaaa-aaaaa")).statusCode()).isEqualTo(401);
    assertThat(atSecond.post("/sekisho/verify/recovery", Map.of("code", "bbbbb-bbbbb")).statusCode()).isEqualTo(401);
    assertThat(atFirst.post("/sekisho/verify/recovery", Map.of("code", "ccccc-ccccc")).statusCode()).isEqualTo(401);
    assertThat(waitSeconds(subject)).isBetween(590L, 600L);
    HttpResponse<String> held = atSecond.post("/sekisho/verify/recovery", Map.of("code", "ddddd-ddddd"));
    assertThat(held.statusCode()).isEqualTo(429);
    assertThat(held.body()).contains("しばらくの間ログインできません");
    waitPasses(subject);
    assertThat(atFirst.post("/sekisho/verify/recovery", Map.of("code", "eeeee-eeeee")).statusCode()).isEqualTo(401);
    assertThat(waitSeconds(subject)).isBetween(1190L, 1200L);

    assertThat(admin.member(id).getJsonObject("secondStepLock").getBoolean("locked")).as("the insurer sees it").isTrue();
    HttpResponse<String> unlock = admin.call("POST", "/members/" + id + "/unlock", null, null);
    assertThat(new JsonObject(unlock.body()).getBoolean("unlocked")).isTrue();
    assertThat(Sql.count("select count(*) from login_throttle where subject = ?", subject)).as("second step cleared").isZero();
    assertThat(atSecond.post("/sekisho/verify/recovery", Map.of("code", "fffff-fffff")).statusCode()).as("evaluated again").isEqualTo(401);
  }

  @Test
  void oneAddressGuessingCodesForManyMembersIsHeldBack() {
    WebClientSession attacker = first.client();
    String ip = "ip:" + attacker.clientAddress();
    for (int m = 0; m < 2; m++) {
      String id = admin.newMember("spread");
      Sql.memberSetUp(id, "totp");
      assertThat(attacker.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      attacker.get("/sekisho/verify/recovery");
      for (int i = 0; i < 2; i++) {
        // Two per member: no member reaches its own back-off.
        int status = attacker.post("/sekisho/verify/recovery", Map.of("code", "zzzzz-zzzz" + (char) ('a' + m * 2 + i))).statusCode();
        assertThat(status).isEqualTo(401);
      }
    }
    assertThat(Sql.value("select failures from login_throttle where subject = ?", ip)).isEqualTo(4);
    String id = admin.newMember("spread");
    Sql.memberSetUp(id, "totp");
    attacker.login(id, AdminClient.RULE_PASSWORD);
    attacker.get("/sekisho/verify/recovery");
    assertThat(attacker.post("/sekisho/verify/recovery", Map.of("code", "yyyyy-yyyya")).statusCode()).isEqualTo(401);
    assertThat(attacker.post("/sekisho/verify/recovery", Map.of("code", "yyyyy-yyyyb")).statusCode())
        .as("sixth wrong code from the address").isEqualTo(429);
    // The address is now held for passwords too, through the other gateway as well.
    attacker.get(second.baseUrl() + "/sekisho/login");
    assertThat(attacker.post(second.baseUrl() + "/sekisho/login", Map.of("user_id", admin.newMember("next"),
        "password", AdminClient.RULE_PASSWORD)).statusCode()).isEqualTo(429);
    admin.call("POST", "/ips/" + attacker.clientAddress() + "/unlock", null, null);
  }

  /** A member at the confirmation step, signed in through the given browser at the given gateway. */
  static String atConfirmationStep(WebClientSession browser, TestGateway gateway) {
    String id = admin.newMember("flood");
    Sql.memberState(id, "terms_accepted", null);
    browser.get(gateway.baseUrl() + "/sekisho/login");
    browser.post(gateway.baseUrl() + "/sekisho/login", Map.of("user_id", id, "password", AdminClient.RULE_PASSWORD));
    return id;
  }

  static long mailsFor(String id) {
    return Sql.count("select count(*) from email_confirmation c join member m on m.id = c.member_id where m.login_id = ?", id);
  }

  @Test
  void confirmationResendsAndAddressChangesAreLimitedPerMemberAndPerAddressAcrossGateways() {
    WebClientSession browser = first.client();
    String id = atConfirmationStep(browser, first);
    browser.get("/sekisho/onboarding/email");
    assertThat(browser.post("/sekisho/onboarding/email", Map.of("email", "")).statusCode()).isEqualTo(303);
    browser.get(second.baseUrl() + "/sekisho/onboarding/wait");
    assertThat(browser.post(second.baseUrl() + "/sekisho/onboarding/wait/resend", Map.of()).statusCode()).isEqualTo(303);
    browser.get("/sekisho/onboarding/email");
    assertThat(browser.post("/sekisho/onboarding/email", Map.of("email", "changed-" + id + "@example.jp")).statusCode())
        .as("an address change counts as well").isEqualTo(303);
    assertThat(mailsFor(id)).isEqualTo(3);
    browser.get(second.baseUrl() + "/sekisho/onboarding/wait");
    HttpResponse<String> flooded = browser.post(second.baseUrl() + "/sekisho/onboarding/wait/resend", Map.of());
    assertThat(flooded.statusCode()).isEqualTo(429);
    assertThat(flooded.body()).contains("送信回数が上限に達しました");
    assertThat(mailsFor(id)).as("nothing sent").isEqualTo(3);

    // The same client address with another member: the address's allowance (5) runs out first.
    String other = atConfirmationStep(browser, first);
    browser.get("/sekisho/onboarding/email");
    assertThat(browser.post("/sekisho/onboarding/email", Map.of("email", "")).statusCode()).isEqualTo(303);
    browser.get("/sekisho/onboarding/wait");
    assertThat(browser.post("/sekisho/onboarding/wait/resend", Map.of()).statusCode())
        .as("the member's first resend, the address's sixth mail").isEqualTo(429);
    assertThat(mailsFor(other)).isEqualTo(1);
    // Another address is not affected.
    WebClientSession elsewhere = second.client();
    String third = atConfirmationStep(elsewhere, second);
    elsewhere.get("/sekisho/onboarding/email");
    assertThat(elsewhere.post("/sekisho/onboarding/email", Map.of("email", "")).statusCode()).isEqualTo(303);
    assertThat(mailsFor(third)).isEqualTo(1);
  }

  static long codeMailsFor(String id) {
    return Sql.count("select count(*) from mail_outbox o join member m on m.id = o.member_id where m.login_id = ? and o.kind = 'otp-code'", id);
  }

  @Test
  void emailCodeResendsAreLimitedPerClientAddressOverAllMembers() {
    WebClientSession browser = first.client();
    String a = admin.newMember("mailer");
    Sql.memberSetUp(a, "email");
    browser.login(a, AdminClient.RULE_PASSWORD);
    assertThat(browser.get("/sekisho/verify/email").statusCode()).isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      assertThat(browser.post("/sekisho/verify/email/resend", Map.of()).statusCode()).isEqualTo(200);
    }
    assertThat(codeMailsFor(a)).isEqualTo(3);
    // Another member, the same address, through the other gateway: two more, then the address is spent.
    String b = admin.newMember("mailer");
    Sql.memberSetUp(b, "email");
    browser.get(second.baseUrl() + "/sekisho/login");
    browser.post(second.baseUrl() + "/sekisho/login", Map.of("user_id", b, "password", AdminClient.RULE_PASSWORD));
    assertThat(browser.get(second.baseUrl() + "/sekisho/verify/email").statusCode()).isEqualTo(200);
    assertThat(browser.post(second.baseUrl() + "/sekisho/verify/email/resend", Map.of()).statusCode()).isEqualTo(200);
    HttpResponse<String> capped = browser.post(second.baseUrl() + "/sekisho/verify/email/resend", Map.of());
    assertThat(capped.statusCode()).as("the member's third mail, the address's sixth").isEqualTo(429);
    assertThat(capped.body()).contains("再送信の回数が上限に達しました");
    assertThat(codeMailsFor(b)).isEqualTo(2);
  }

  @Test
  void birthdateGuessesBackOffPerIdAndCountPerAddress() {
    WebClientSession browser = first.client();
    int wrong = 0;
    for (int m = 0; m < 3; m++) {
      String id = admin.newMember("born");
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).headers().firstValue("Location")).contains("/sekisho/onboarding/birthdate");
      browser.get("/sekisho/onboarding/birthdate");
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> answer = browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1970-01-0" + (i + 2)));
        wrong++;
        assertThat(answer.statusCode()).as("wrong birthdate " + wrong + " from the address").isEqualTo(wrong < 6 ? 400 : 429);
        if (wrong == 6) {
          break;
        }
      }
      if (m == 0) {
        // A third for the same ID starts its wait; the right birthdate is then refused unevaluated.
        assertThat(browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1970-01-09")).statusCode()).isEqualTo(400);
        wrong++;
        assertThat(waitSeconds("id:" + id)).isBetween(590L, 600L);
        assertThat(browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01")).statusCode()).isEqualTo(429);
        assertThat(admin.member(id).getString("onboardingState")).isEqualTo("issued");
      }
      if (wrong >= 6) {
        break;
      }
    }
    assertThat(wrong).isEqualTo(6);
    assertThat(Sql.value("select locked_until > now() from login_throttle where subject = ?", "ip:" + browser.clientAddress())).isEqualTo(true);
    admin.call("POST", "/ips/" + browser.clientAddress() + "/unlock", null, null);
  }
}
