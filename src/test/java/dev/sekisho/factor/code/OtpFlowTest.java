package dev.sekisho.factor.code;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The OTP pages and JSON API end to end: two real gateways sharing one PostgreSQL. */
public class OtpFlowTest {
  @RegisterExtension
  public static final GatewayExtension gateway = GatewayExtension.defaults();
  @RegisterExtension
  public static final GatewayExtension second = GatewayExtension.defaults();
  public static AdminClient admin;
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  private static final Pattern RECOVERY = Pattern.compile("<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>");

  @BeforeAll
  public static void start() {
    admin = gateway.admin();
  }

  public static String code(byte[] key, long offsetSteps) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offsetSteps, 6);
  }

  /** A member through the admin API, moved to 'onboarded' with TOTP chosen. */
  public static String onboarded(String chosen) {
    String id = admin.newMember("otp");
    OtpFixtures.setState(id, "onboarded", chosen);
    return id;
  }

  public static Object[] setUpTotpOn(WebClientSession browser, String id) {
    return setUpTotp(browser, id);
  }

  /** Sets TOTP up through the pages; returns the key, the recovery codes and the code used. */
  public static Object[] setUpTotp(WebClientSession browser, String id) {
    HttpResponse<String> login = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/setup/totp");
    HttpResponse<String> page = browser.get("/sekisho/setup/totp");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("スキャンできませんか？").contains("時間ベース").contains("data:image/png;base64,");
    Matcher m = KEY.matcher(page.body());
    assertThat(m.find()).isTrue();
    byte[] key = Base32Text.decode(m.group(1));
    assertThat(key.length).isGreaterThanOrEqualTo(20);
    // The pending key is not a method yet.
    assertThat(OtpFixtures.queryString("select count(*) from member_method mm join member m on m.id = mm.member_id where m.login_id = ?", id))
        .isEqualTo("0");
    HttpResponse<String> png = browser.get("/sekisho/setup/totp/qr.png");
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
    HttpResponse<String> wrong = browser.post("/sekisho/setup/totp", Map.of("code", "12345"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    String used = code(key, 0);
    HttpResponse<String> done = browser.post("/sekisho/setup/totp", Map.of("code", used));
    assertThat(done.statusCode()).isEqualTo(200);
    List<String> codes = new ArrayList<>();
    Matcher r = RECOVERY.matcher(done.body());
    while (r.find()) {
      codes.add(r.group(1));
    }
    assertThat(codes).hasSize(10);
    assertThat(OtpFixtures.queryString("select onboarding_state from member where login_id = ?", id)).isEqualTo("method_set_up");
    HttpResponse<String> cont = browser.post("/sekisho/otp/continue", Map.of());
    assertThat(cont.statusCode()).isEqualTo(303);
    assertThat(cont.headers().firstValue("Location")).contains("/");
    return new Object[] {key, codes, used};
  }

  @Test
  void totpSetUpThenLoginWithTotpAndReplayRefused() {
    String id = onboarded("totp");
    WebClientSession browser = gateway.client();
    Object[] setup = setUpTotp(browser, id);
    byte[] key = (byte[]) setup[0];
    browser.post("/sekisho/logout", Map.of());

    WebClientSession again = gateway.client();
    HttpResponse<String> login = again.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/verify");
    HttpResponse<String> choose = again.get("/sekisho/verify");
    assertThat(choose.statusCode()).isEqualTo(303);
    assertThat(choose.headers().firstValue("Location")).contains("/sekisho/verify/totp");
    again.get("/sekisho/verify/totp");
    // The set-up code's step is used: the same code cannot log in.
    HttpResponse<String> replay = again.post("/sekisho/verify/totp", Map.of("code", (String) setup[2]));
    assertThat(replay.statusCode()).isEqualTo(401);
    HttpResponse<String> ok = again.post("/sekisho/verify/totp", Map.of("code", code(key, 1)));
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/");
    assertThat(again.get("/sekisho/account/otp").statusCode()).isEqualTo(200);
  }

  @Test
  void theSameCodeOnTwoGatewaysAtOnceLetsOneSessionIn() throws Exception {
    String id = onboarded("totp");
    Object[] setup = setUpTotp(gateway.client(), id);
    byte[] key = (byte[]) setup[0];
    List<WebClientSession> sessions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      WebClientSession c = (i % 2 == 0 ? gateway : second).client();
      c.login(id, AdminClient.RULE_PASSWORD);
      c.get("/sekisho/verify/totp");
      sessions.add(c);
    }
    String code = code(key, 1);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (WebClientSession c : sessions) {
      all.add(CompletableFuture.supplyAsync(() -> c.post("/sekisho/verify/totp", Map.of("code", code))));
    }
    long passed = 0;
    for (CompletableFuture<HttpResponse<String>> f : all) {
      if (f.get().statusCode() == 303) {
        passed++;
      }
    }
    assertThat(passed).isEqualTo(1);
  }

  @Test
  void aRecoveryCodeReplacesTheSecondFactorOnceAndAsksForANewMethod() {
    String id = onboarded("totp");
    @SuppressWarnings("unchecked")
    List<String> codes = (List<String>) setUpTotp(gateway.client(), id)[1];
    WebClientSession c = gateway.client();
    c.login(id, AdminClient.RULE_PASSWORD);
    c.get("/sekisho/verify/recovery");
    HttpResponse<String> used = c.post("/sekisho/verify/recovery", Map.of("code", codes.get(0)));
    assertThat(used.statusCode()).isEqualTo(303);
    assertThat(used.headers().firstValue("Location")).contains("/sekisho/account/otp?recovered=1");
    assertThat(c.get("/sekisho/account/otp?recovered=1").body()).contains("認証方法を設定し直してください");
    WebClientSession d = gateway.client();
    d.login(id, AdminClient.RULE_PASSWORD);
    d.get("/sekisho/verify/recovery");
    assertThat(d.post("/sekisho/verify/recovery", Map.of("code", codes.get(0))).statusCode()).isEqualTo(401);
  }

  @Test
  void severalMethodsGiveAChoiceWithTheLastUsedFirstAndPagesNeedTheSecondStep() {
    String id = onboarded("totp");
    setUpTotp(gateway.client(), id);
    byte[] token = OtpFixtures.bytes(20, 40);
    HttpResponse<String> assign = admin.call("PUT", "/members/" + id + "/hotp",
        new JsonObject().put("serial", "SN-" + id).put("secretBase32", Base32Text.encode(token)).put("counter", 0).encode(), "application/json");
    assertThat(assign.statusCode()).as(assign.body()).isEqualTo(200);
    WebClientSession c = gateway.client();
    c.login(id, AdminClient.RULE_PASSWORD);
    HttpResponse<String> choose = c.get("/sekisho/verify");
    assertThat(choose.statusCode()).isEqualTo(200);
    assertThat(choose.body()).contains("method-totp").contains("method-hotp");
    // HOTP was used last (assigned last): it is offered first.
    assertThat(choose.body().indexOf("method-hotp")).isLessThan(choose.body().indexOf("method-totp"));
    c.get("/sekisho/verify/hotp");
    assertThat(c.post("/sekisho/verify/hotp", Map.of("code", OtpAlgorithm.SHA1.text(token, 3, 6))).statusCode()).isEqualTo(303);
    // Unassign: the token is no longer a method.
    assertThat(admin.call("DELETE", "/members/" + id + "/hotp", null, null).statusCode()).isEqualTo(200);
    assertThat(admin.call("DELETE", "/members/" + id + "/hotp", null, null).statusCode()).isEqualTo(404);
    // Without a password-level session the second-step pages send the visitor to log in.
    WebClientSession stranger = gateway.client();
    assertThat(stranger.get("/sekisho/verify").headers().firstValue("Location")).contains("/sekisho/login");
  }

  /** Issue 17 item 7: the JSON API's email code comes in the language the portal asks for, Japanese by default. */
  @Test
  void theJsonApiMailsTheCodeInTheLanguageAsked() {
    String subject = "select subject from mail_outbox o join member m on m.id = o.member_id where m.login_id = ? order by o.id desc limit 1";
    for (JsonObject ask : List.of(new JsonObject(), new JsonObject().put("lang", "en"))) {
      String id = admin.newMember("apil");
      dev.sekisho.testing.Sql.memberSetUp(id, "email");
      WebClientSession api = gateway.client();
      HttpResponse<String> login = api.postRaw("/sekisho/api/login",
          new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
      String token = new JsonObject(login.body()).getString("token");
      WebClientSession bare = gateway.client();
      HttpResponse<String> sent = bare.send(bare.request("/sekisho/api/otp/email/send").header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ask.encode())).build());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
      assertThat(dev.sekisho.testing.Sql.value(subject, id))
          .isEqualTo(ask.containsKey("lang") ? "[Portal] Your one-time password" : "【Portal】ワンタイムパスワードのお知らせ");
    }
  }

  @Test
  void theJsonApiLogsInAndChecksWithBearerOrCookiePlusHeader() {
    String id = onboarded("totp");
    byte[] key = (byte[]) setUpTotp(gateway.client(), id)[0];
    WebClientSession api = gateway.client();
    HttpResponse<String> login = api.postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    JsonObject body = new JsonObject(login.body());
    assertThat(body.getString("next")).isEqualTo("/sekisho/verify");
    assertThat(body.getJsonArray("methods").getList()).containsExactly("totp");
    String token = body.getString("token");

    String next = code(key, 1);
    // Cookie without X-CSRF-Token: refused.
    HttpResponse<String> noHeader = api.postRaw("/sekisho/api/otp/verify", new JsonObject().put("code", next).encode(), "application/json");
    assertThat(noHeader.statusCode()).isEqualTo(403);

    // Bearer from a client without cookies: no CSRF token needed. A wrong code first.
    WebClientSession bare = gateway.client();
    HttpResponse<String> wrong = bare.send(bare.request("/sekisho/api/otp/verify").header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"00000\"}")).build());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("code")).isEqualTo("invalid");
    HttpResponse<String> ok = bare.send(bare.request("/sekisho/api/otp/verify").header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("code", next).put("method", "totp").encode())).build());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    JsonObject result = new JsonObject(ok.body());
    assertThat(result.getBoolean("ok")).isTrue();
    assertThat(result.getString("redirect")).isEqualTo("/");
    assertThat(result.getString("token")).isNotEqualTo(token);

    // Cookie plus header works too (another login).
    WebClientSession cookie = gateway.client();
    JsonObject second = new JsonObject(cookie.postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json").body());
    HttpResponse<String> withHeader = cookie.send(cookie.request("/sekisho/api/otp/verify").header("X-CSRF-Token", second.getString("csrfToken"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("code", next).encode())).build());
    // The step was used by the bearer call: refused as a replay, but past the CSRF check.
    assertThat(withHeader.statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenDoesNotLetAMemberSkipOnboarding() {
    String id = admin.newMember("early");
    byte[] token = OtpFixtures.bytes(20, 44);
    assertThat(admin.call("PUT", "/members/" + id + "/hotp", new JsonObject().put("serial", "SN-E-" + id)
        .put("secretBase32", Base32Text.encode(token)).encode(), "application/json").statusCode()).isEqualTo(200);
    WebClientSession api = gateway.client();
    String bearer = new JsonObject(api.postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json").body()).getString("token");
    HttpResponse<String> early = api.send(api.request("/sekisho/api/otp/verify").header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("code", OtpAlgorithm.SHA1.text(token, 0, 6)).put("method", "hotp").encode())).build());
    assertThat(early.statusCode()).isEqualTo(409);
    WebClientSession page = gateway.client();
    page.login(id, AdminClient.RULE_PASSWORD);
    assertThat(page.get("/sekisho/verify/hotp").statusCode()).isEqualTo(303);
  }

  @Test
  void adminApiRefusesBadTokensAndUnknownMembers() {
    assertThat(admin.call("PUT", "/members/nobody-here/hotp",
        new JsonObject().put("serial", "X1").put("secretHex", "3132333435363738393031323334353637383930").encode(), "application/json")
        .statusCode()).isEqualTo(404);
    String id = admin.newMember("tok");
    assertThat(admin.call("PUT", "/members/" + id + "/hotp", new JsonObject().put("serial", "X2").put("secret", "zz").encode(),
        "application/json").statusCode()).isEqualTo(400);
    assertThat(admin.call("PUT", "/members/" + id + "/hotp", "not json", "application/json").statusCode()).isEqualTo(400);
  }
}
