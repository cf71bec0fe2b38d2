package dev.sekisho.login;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** J1.1 against a real gateway and database: login, failures, lockout and unlock. */
class LoginTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("login.maxFailures", "3", "login.ipMaxFailures", "6"));
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  @Test
  void memberLogsInWithIssuedPasswordAndFullWidthId() {
    String id = admin.newMember("taro");
    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    String anonymousSession = browser.cookie("sekisho.sid");
    HttpResponse<String> login = browser.post("/sekisho/login",
        Map.of("user_id", "\u3000" + toFullWidth(id) + " ", "password", AdminClient.RULE_PASSWORD));
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/onboarding/birthdate");
    assertThat(browser.cookie("sekisho.sid")).as("session id renewed at login").isNotNull().isNotEqualTo(anonymousSession);
    HttpResponse<String> home = browser.get("/sekisho/home");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains(id).contains("テスト 花子");
    assertThat(admin.member(id).getString("lastLoginAt")).isNotNull();
  }

  @Test
  void unknownIdAndWrongPasswordLookExactlyTheSame() {
    String id = admin.newMember("same");
    String unknown = "nobody-" + UUID.randomUUID();
    long[] wrongTimes = new long[5];
    long[] unknownTimes = new long[5];
    String wrongBody = null;
    String unknownBody = null;
    for (int i = 0; i < 5; i++) {
      // A fresh client each time, so neither the ID limit nor the address limit is reached.
      WebClientSession a = gateway.client();
      a.get("/sekisho/login");
      long t0 = System.nanoTime();
      HttpResponse<String> wrong = a.post("/sekisho/login", Map.of("user_id", id, "password", "wrong-" + i));
      wrongTimes[i] = System.nanoTime() - t0;
      WebClientSession b = gateway.client();
      b.get("/sekisho/login");
      long t1 = System.nanoTime();
      HttpResponse<String> none = b.post("/sekisho/login", Map.of("user_id", unknown + i, "password", "wrong-" + i));
      unknownTimes[i] = System.nanoTime() - t1;
      assertThat(wrong.statusCode()).isEqualTo(none.statusCode()).isEqualTo(401);
      wrongBody = normalise(wrong.body(), id);
      unknownBody = normalise(none.body(), unknown + i);
      admin.call("POST", "/members/" + id + "/unlock", null, null);
    }
    assertThat(unknownBody).isEqualTo(wrongBody);
    // Both paths do one lookup and one Argon2id verification: medians within a factor of two.
    double ratio = (double) median(unknownTimes) / median(wrongTimes);
    assertThat(ratio).isBetween(0.5, 2.0);
  }

  @Test
  void threeFailuresLockTheIdUntilTheInsurerUnlocksIt() {
    String id = admin.newMember("lock");
    for (int i = 0; i < 2; i++) {
      assertThat(gateway.client().login(id, "bad" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> third = gateway.client().login(id, "bad2");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).contains("しばらくの間ログインできません");
    HttpResponse<String> right = gateway.client().login(id, AdminClient.RULE_PASSWORD);
    assertThat(right.statusCode()).as("locked even with the right password").isEqualTo(429);

    JsonObject view = admin.member(id);
    assertThat(view.getJsonObject("lock").getBoolean("locked")).isTrue();
    assertThat(view.getJsonObject("lock").getInteger("failures")).isEqualTo(3);
    HttpResponse<String> unlock = admin.call("POST", "/members/" + id + "/unlock", null, null);
    assertThat(new JsonObject(unlock.body()).getBoolean("unlocked")).isTrue();
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void anUnknownIdLocksJustLikeAKnownOne() {
    String unknown = "ghost-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      gateway.client().login(unknown, "bad" + i);
    }
    assertThat(gateway.client().login(unknown, "bad").statusCode()).isEqualTo(429);
  }

  @Test
  void oneClientAddressGuessingManyIdsIsLimitedAndTheInsurerSeesAndLiftsIt() {
    WebClientSession attacker = gateway.client();
    int last = 0;
    for (int i = 0; i < 6; i++) {
      last = attacker.login("spray-" + i + "-" + UUID.randomUUID(), "password").statusCode();
    }
    assertThat(last).isEqualTo(429);
    String victim = admin.newMember("victim");
    assertThat(attacker.login(victim, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(429);
    assertThat(admin.call("GET", "/locks", null, null).body()).contains("ip:" + attacker.clientAddress());
    HttpResponse<String> lift = admin.call("POST", "/ips/" + attacker.clientAddress() + "/unlock", null, null);
    assertThat(new JsonObject(lift.body()).getBoolean("unlocked")).isTrue();
    assertThat(attacker.login(victim, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void logoutEndsTheSession() {
    String id = admin.newMember("bye");
    WebClientSession browser = gateway.client();
    browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(200);
    String session = browser.cookie("sekisho.sid");
    HttpResponse<String> out = browser.post("/sekisho/logout", Map.of());
    assertThat(out.headers().firstValue("Location")).contains("/sekisho/login?bye=1");
    assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(303);
    WebClientSession replay = gateway.client();
    replay.setCookie("sekisho.sid", session);
    assertThat(replay.get("/sekisho/home").headers().firstValue("Location")).contains("/sekisho/login");
  }

  static String normalise(String body, String typedId) {
    return body.replaceAll("name=\"_csrf\" value=\"[^\"]+\"", "").replace(typedId, "ID");
  }

  static long median(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy[copy.length / 2];
  }

  static String toFullWidth(String ascii) {
    StringBuilder out = new StringBuilder();
    for (char c : ascii.toCharArray()) {
      out.append(c >= '!' && c <= '~' ? (char) (c - '!' + '！') : c);
    }
    return out.toString();
  }
}
