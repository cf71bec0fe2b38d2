package dev.sekisho.factor.totp;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON API's TOTP hot path (TotpApiCheck): a pass is one statement when the process saw the
 * session (warm) and two when it did not (cold), counted by the metrics; and the shortcut never
 * weakens the check: a revoked session is not revived, a lock holds, a code passes once, one session
 * becomes complete once.
 */
class TotpApiCheckTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  @RegisterExtension
  static final GatewayExtension second = GatewayExtension.defaults();
  static AdminClient admin;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  /** A member with TOTP set up through the pages; returns [login id, key]. */
  private static Object[] memberWithTotp() {
    String id = admin.newMember("fast");
    OtpFixtures.setState(id, "onboarded", "totp");
    byte[] key = (byte[]) OtpFlowTest.setUpTotp(gateway.client(), id)[0];
    return new Object[] {id, key};
  }

  private static String apiLogin(TestGateway on, String id) {
    HttpResponse<String> login = on.client().postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return new JsonObject(login.body()).getString("token");
  }

  private static HttpRequest verifyRequest(TestGateway on, String token, String code) {
    return HttpRequest.newBuilder(URI.create(on.baseUrl() + "/sekisho/api/otp/verify"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("code", code).put("method", "totp").encode())).build();
  }

  private static HttpResponse<String> verify(TestGateway on, String token, String code) throws Exception {
    return http.send(verifyRequest(on, token, code), HttpResponse.BodyHandlers.ofString());
  }

  private static String errorCode(HttpResponse<String> answer) {
    return new JsonObject(answer.body()).getJsonObject("error").getString("code");
  }

  /** The count of API checks that took the given path on a gateway, from its /metrics. */
  private static double checks(TestGateway on, String path) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(on.baseUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith("sekisho_otp_api_check_path_total{") && l.contains("path=\"" + path + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static byte[] idHash(String token) throws Exception {
    return java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static long lastStep(String id) {
    return ((Number) Sql.value("select t.last_step from otp_totp t join member m on m.id = t.member_id where m.login_id = ?", id))
        .longValue();
  }

  @Test
  void aCheckAfterTheApiLoginIsOneStatementAndCompletesTheSessionUnderANewId() throws Exception {
    Object[] member = memberWithTotp();
    String id = (String) member[0];
    String token = apiLogin(gateway, id);
    double warmBefore = checks(gateway, "warm");
    // Signed in an hour ago: the successor keeps that, the absolute timeout counts from the sign-in.
    Sql.update("update http_session set created_at = created_at - interval '1 hour' where id_hash = ?", idHash(token));
    Object signedInAt = Sql.value("select created_at from http_session where id_hash = ?", idHash(token));

    HttpResponse<String> ok = verify(gateway, token, OtpFlowTest.code((byte[]) member[1], 1));

    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    JsonObject result = new JsonObject(ok.body());
    assertThat(result.getString("redirect")).isEqualTo("/");
    String complete = result.getString("token");
    assertThat(complete).isNotEqualTo(token);
    assertThat(checks(gateway, "warm")).isEqualTo(warmBefore + 1);
    assertThat(Sql.value("select created_at from http_session where id_hash = ?", idHash(complete))).isEqualTo(signedInAt);
    // And the browser and address of that sign-in, which the member's list of sessions shows.
    assertThat(Sql.query("select user_agent, client_address from http_session where id_hash = ?", idHash(complete)).get(0))
        .doesNotContainValue(null);
    // The new id reaches the portal; the old one is gone.
    WebClientSession portal = gateway.client();
    portal.setCookie("sekisho.sid", complete);
    assertThat(portal.get("/").statusCode()).isEqualTo(200);
    assertThat(errorCode(verify(gateway, token, OtpFlowTest.code((byte[]) member[1], 1)))).isEqualTo("no_session");
    // Written by the same statement: the audit event and the method's use.
    assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'otp.api.verify.totp' and outcome = 'ok'", id))
        .isEqualTo(1);
    assertThat(Sql.count("select count(*) from member_method mm join member m on m.id = mm.member_id "
        + "where m.login_id = ? and mm.method = 'totp' and mm.last_used_at is not null", id)).isEqualTo(1);
  }

  @Test
  void aSessionFromAnotherProcessCostsOneReadMoreAndACodePassesOnlyOnce() throws Exception {
    Object[] member = memberWithTotp();
    String id = (String) member[0];
    String code = OtpFlowTest.code((byte[]) member[1], 1);
    double coldBefore = checks(second, "cold");

    assertThat(verify(second, apiLogin(gateway, id), code).statusCode()).isEqualTo(200);
    assertThat(checks(second, "cold")).isEqualTo(coldBefore + 1);

    HttpResponse<String> replay = verify(gateway, apiLogin(gateway, id), code);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(errorCode(replay)).isEqualTo("invalid");
  }

  @Test
  void theMethodsCallReadiesTheCheckOnTheProcessItReaches() throws Exception {
    Object[] member = memberWithTotp();
    String token = apiLogin(gateway, (String) member[0]);
    HttpResponse<String> methods = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl() + "/sekisho/api/otp/methods"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(methods.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(methods.body()).getJsonArray("methods").getList()).containsExactly("totp");
    double warmBefore = checks(second, "warm");

    assertThat(verify(second, token, OtpFlowTest.code((byte[]) member[1], 1)).statusCode()).isEqualTo(200);

    assertThat(checks(second, "warm")).isEqualTo(warmBefore + 1);
  }

  @Test
  void anEndedSessionIsNotRevivedAndItsCodeIsNotUsedUp() throws Exception {
    Object[] member = memberWithTotp();
    String id = (String) member[0];
    String code = OtpFlowTest.code((byte[]) member[1], 1);
    String token = apiLogin(gateway, id);
    long step = lastStep(id);
    // The gateway holds the session's ticket; the insurer ends the member's sessions meanwhile.
    assertThat(admin.call("POST", "/members/" + id + "/sessions/end", "{}", "application/json").statusCode()).isEqualTo(200);

    HttpResponse<String> ended = verify(gateway, token, code);

    assertThat(ended.statusCode()).isEqualTo(401);
    assertThat(errorCode(ended)).isEqualTo("no_session");
    assertThat(lastStep(id)).isEqualTo(step);
    assertThat(verify(gateway, apiLogin(gateway, id), code).statusCode()).isEqualTo(200);
  }

  @Test
  void aLockedSecondStepRefusesAValidCodeAndLeavesItUnused() throws Exception {
    Object[] member = memberWithTotp();
    String id = (String) member[0];
    String token = apiLogin(gateway, id);
    HttpResponse<String> last = null;
    for (int i = 0; i < 5; i++) {
      last = verify(gateway, token, "00000" + i);
    }
    assertThat(last.statusCode()).isEqualTo(429);
    long step = lastStep(id);

    HttpResponse<String> locked = verify(gateway, token, OtpFlowTest.code((byte[]) member[1], 1));

    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(errorCode(locked)).isEqualTo("locked");
    assertThat(lastStep(id)).isEqualTo(step);
  }

  @Test
  void twoValidCodesSentAtOnceOnOneSessionCompleteItOnce() throws Exception {
    Object[] member = memberWithTotp();
    String id = (String) member[0];
    byte[] key = (byte[]) member[1];
    // Steps now and now+1 both unused: two different valid codes for the same session.
    Sql.update("update otp_totp set last_step = 0 where member_id = (select id from member where login_id = ?)", id);
    String token = apiLogin(gateway, id);

    List<CompletableFuture<HttpResponse<String>>> answers = List.of(
        http.sendAsync(verifyRequest(gateway, token, OtpFlowTest.code(key, 0)), HttpResponse.BodyHandlers.ofString()),
        http.sendAsync(verifyRequest(gateway, token, OtpFlowTest.code(key, 1)), HttpResponse.BodyHandlers.ofString()));

    List<Integer> statuses = answers.stream().map(f -> f.join().statusCode()).sorted().toList();
    assertThat(statuses).containsExactly(200, 401);
    assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'otp.api.verify.totp' and outcome = 'ok'", id))
        .isEqualTo(1);
  }
}
