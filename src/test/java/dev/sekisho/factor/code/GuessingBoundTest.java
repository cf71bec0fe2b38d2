package dev.sekisho.factor.code;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.totp.TotpApiCheck;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing is bounded in total (NIST SP 800-63B 5.2.2): after login.maxConsecutiveFailures (100 by
 * default) wrong guesses without a success, the user ID or the second step stays locked when the
 * ordinary lock would have run out, until the insurer unlocks it (or, for the second step, a
 * recovery code succeeds). The locks here are short-lived in effect: each one is made to pass by
 * moving its end into the past in the database, so 100 guesses take seconds and nothing sleeps.
 */
class GuessingBoundTest {
  /** Relaxed so that only the ordinary lock (every 10) and the total bound act: no waits, no address limit. */
  static final Map<String, String> CONFIG = Map.ofEntries(
      Map.entry("login.maxFailures", "10"), Map.entry("otp.maxFailures", "10"),
      Map.entry("login.backoffAfter", "100"), Map.entry("login.ipMaxFailures", "100000"),
      Map.entry("login.ipBackoffAfter", "100000"));
  static final int BOUND = 100;
  static final HttpClient http = HttpClient.newHttpClient();
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(CONFIG);
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  @AfterAll
  static void stop() {
    Sql.update("delete from login_throttle where subject = ?", "ip:" + CHECK_ADDRESS);
  }

  /** As if every lock and wait had run its course (the lock period passed). */
  static void lockPeriodPasses(String subject) {
    Sql.update("update login_throttle set locked_until = now() - interval '1 second', wait_until = null, "
        + "window_start = now() - interval '1 day' where subject = ?", subject);
  }

  static long memberId(String id) {
    return ((Number) Sql.value("select id from member where login_id = ?", id)).longValue();
  }

  @Test
  void aHundredWrongPasswordsLockTheIdBeyondTheLockPeriodUntilTheInsurerUnlocksIt() {
    String id = admin.newMember("bound-pw");
    String subject = "id:" + id;
    WebClientSession browser = gateway.client();
    for (int i = 1; i < BOUND; i++) {
      lockPeriodPasses(subject);
      assertThat(browser.login(id, "wrong-" + i).statusCode()).as("guess " + i).isEqualTo(401);
    }
    lockPeriodPasses(subject);
    assertThat(browser.login(id, "wrong-" + BOUND).statusCode()).as("the 100th wrong guess").isEqualTo(429);

    lockPeriodPasses(subject);
    HttpResponse<String> held = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(held.statusCode()).as("even the right password, after the lock period").isEqualTo(429);
    JsonObject lock = admin.member(id).getJsonObject("lock");
    assertThat(lock.getBoolean("held")).isTrue();
    assertThat(lock.getInteger("consecutiveFailures")).isEqualTo(BOUND);

    admin.call("POST", "/members/" + id + "/unlock", null, null);
    assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void aSuccessEndsTheStreakSoAMemberWhoSignsInIsNeverHeldByOldFailures() {
    String id = admin.newMember("bound-reset");
    String subject = "id:" + id;
    for (int i = 1; i < BOUND; i++) {
      lockPeriodPasses(subject);
      gateway.client().login(id, "wrong-" + i);
    }
    lockPeriodPasses(subject);
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    assertThat(gateway.client().login(id, "wrong-again").statusCode()).isEqualTo(401);
    assertThat(Sql.value("select streak from login_throttle where subject = ?", subject)).isEqualTo(1);
  }

  private static String apiLogin(String id) {
    HttpResponse<String> login = gateway.client().postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return new JsonObject(login.body()).getString("token");
  }

  /**
   * The address these checks come from: their own, as every test client's (WebClientSession), so
   * their hundreds of wrong codes never count against 127.0.0.1, which the browser tests share.
   */
  private static final String CHECK_ADDRESS = "10.254.0.100";

  /** A TOTP check through the JSON API, whose fast path (TotpApiCheck) does its own lock test in SQL. */
  private static HttpResponse<String> apiVerify(String token, String code) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/sekisho/api/otp/verify"))
        .header("X-Forwarded-For", CHECK_ADDRESS)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("code", code).put("method", "totp").encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A member with TOTP set up through the pages, at 100 wrong codes; returns [id, key, recovery codes]. */
  private static Object[] heldSecondStep() throws Exception {
    String id = admin.newMember("bound-otp");
    OtpFixtures.setState(id, "onboarded", "totp");
    Object[] setUp = OtpFlowTest.setUpTotp(gateway.client(), id);
    String subject = "otp:" + memberId(id);
    String token = apiLogin(id);
    for (int i = 1; i < BOUND; i++) {
      lockPeriodPasses(subject);
      assertThat(apiVerify(token, String.format("%06d", i)).statusCode()).as("code " + i).isEqualTo(401);
    }
    lockPeriodPasses(subject);
    assertThat(apiVerify(token, String.format("%06d", BOUND)).statusCode()).as("the 100th wrong code").isEqualTo(429);
    lockPeriodPasses(subject);
    return new Object[] {id, setUp[0], setUp[1]};
  }

  @Test
  void aHundredWrongCodesLockTheSecondStepBeyondTheLockPeriodOnTheFastPathAndThePagesUntilTheInsurerUnlocks()
      throws Exception {
    Object[] member = heldSecondStep();
    String id = (String) member[0];
    byte[] key = (byte[]) member[1];

    HttpResponse<String> fast = apiVerify(apiLogin(id), OtpFlowTest.code(key, 0));
    assertThat(fast.statusCode()).as("a valid code on the API after the lock period").isEqualTo(429);
    WebClientSession browser = gateway.client();
    browser.login(id, AdminClient.RULE_PASSWORD);
    browser.get("/sekisho/verify/totp");
    assertThat(browser.post("/sekisho/verify/totp", Map.of("code", OtpFlowTest.code(key, 0))).statusCode())
        .as("a valid code on the pages").isEqualTo(429);
    assertThat(admin.member(id).getJsonObject("secondStepLock").getBoolean("held")).isTrue();

    admin.call("POST", "/members/" + id + "/unlock", null, null);
    assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "otp:" + memberId(id))).isZero();
    assertThat(apiVerify(apiLogin(id), OtpFlowTest.code(key, 1)).statusCode()).as("after the insurer's unlock").isEqualTo(200);
  }

  @Test
  void aRecoveryCodeIsTheMembersOwnWayOutOfAHeldSecondStep() throws Exception {
    Object[] member = heldSecondStep();
    String id = (String) member[0];
    @SuppressWarnings("unchecked")
    List<String> codes = (List<String>) member[2];
    WebClientSession browser = gateway.client();
    browser.login(id, AdminClient.RULE_PASSWORD);
    browser.get("/sekisho/verify/recovery");
    assertThat(browser.post("/sekisho/verify/recovery", Map.of("code", "zzzzz-zzzzz")).statusCode())
        .as("a wrong recovery code is wrong, not a new lock").isEqualTo(401);
    HttpResponse<String> used = browser.post("/sekisho/verify/recovery", Map.of("code", codes.get(0)));
    assertThat(used.statusCode()).isEqualTo(303);
    assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "otp:" + memberId(id))).isZero();
  }
}
