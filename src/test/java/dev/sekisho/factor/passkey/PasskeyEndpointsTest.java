package dev.sekisho.factor.passkey;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The passkey JSON endpoints and page guards at the HTTP level: options, bad input, who may call what. */
class PasskeyEndpointsTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static AdminClient admin;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  static String csrfOf(HttpResponse<String> page) {
    Matcher m = Pattern.compile("data-csrf=\"([^\"]+)\"").matcher(page.body());
    assertThat(m.find()).as("page carries data-csrf").isTrue();
    return m.group(1);
  }

  static HttpResponse<String> postJson(WebClientSession client, String path, String csrf, String body) {
    HttpRequest.Builder request = client.request(path).header("Content-Type", "application/json")
        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (csrf != null) {
      request.header("X-CSRF-Token", csrf);
    }
    return client.send(request.build());
  }

  static String errorCode(HttpResponse<String> response) {
    return new JsonObject(response.body()).getJsonObject("error").getString("code");
  }

  @Test
  void registrationOptionsAllowCrossDevicePasskeysWithUserVerification() {
    String id = admin.newMember("opt");
    Sql.memberState(id, "onboarded", "passkey");
    WebClientSession client = gateway.client();
    HttpResponse<String> login = client.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/setup/passkey");
    HttpResponse<String> page = client.get("/sekisho/setup/passkey");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("次へ").contains("/sekisho/static/passkey.js").doesNotContain("<script>");
    String csrf = csrfOf(page);

    HttpResponse<String> first = postJson(client, "/sekisho/passkey/register/options", csrf, "{}");
    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject options = new JsonObject(first.body());
    assertThat(options.getJsonObject("rp").getString("id")).isEqualTo("localhost");
    JsonObject selection = options.getJsonObject("authenticatorSelection");
    assertThat(selection.getString("userVerification")).isEqualTo("required");
    assertThat(selection.getString("residentKey")).isEqualTo("preferred");
    // No attachment: a phone may serve a PC over the hybrid (QR code) flow.
    assertThat(selection.containsKey("authenticatorAttachment")).isFalse();
    assertThat(options.getString("attestation")).isEqualTo("none");
    assertThat(options.getJsonObject("user").getString("name")).isEqualTo(id);
    assertThat(options.containsKey("extensions")).isFalse();
    assertThat(options.getLong("timeout")).isPositive();
    JsonObject again = new JsonObject(postJson(client, "/sekisho/passkey/register/options", csrf, "{}").body());
    assertThat(again.getJsonObject("user").getString("id")).isEqualTo(options.getJsonObject("user").getString("id"));
    assertThat(again.getString("challenge")).isNotEqualTo(options.getString("challenge"));

    // Bad input: a clear JSON error, nothing stored, never a 5xx.
    for (String bad : new String[] {"not json", "{}", "[1]", "{\"id\":\"a\",\"rawId\":\"a\",\"response\":{\"clientDataJSON\":\"!!\"}}",
        "{\"id\":\"a\",\"rawId\":\"a\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\",\"attestationObject\":\"AAAA\"}}"}) {
      postJson(client, "/sekisho/passkey/register/options", csrf, "{}");
      HttpResponse<String> refused = postJson(client, "/sekisho/passkey/register", csrf, bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(errorCode(refused)).isIn("invalid", "challenge", "origin");
    }
    assertThat(Sql.value("select count(*) from passkey p join member m on m.id = p.member_id where m.login_id = ?", id)).isEqualTo(0L);
    assertThat(postJson(client, "/sekisho/passkey/register/options", null, "{}").statusCode()).isEqualTo(403);
    assertThat(postJson(client, "/sekisho/passkey/register/options", "wrong", "{}").statusCode()).isEqualTo(403);

    // Not yet at the sign-in step, and the management page needs a complete sign-in.
    assertThat(postJson(client, "/sekisho/verify/passkey/options", csrf, "{}").statusCode()).isEqualTo(403);
    assertThat(client.get("/sekisho/account/passkeys").headers().firstValue("Location")).contains("/sekisho/verify");
  }

  @Test
  void signInEndpointsNeedThePasswordStepAndASetUpMember() {
    WebClientSession anonymous = gateway.client();
    // Passkey-first sign-in is off by default: no link, no page.
    assertThat(anonymous.get("/sekisho/login").body()).doesNotContain("passkey-first");
    assertThat(anonymous.get("/sekisho/login/passkey").statusCode()).isEqualTo(404);
    assertThat(anonymous.get("/sekisho/verify/passkey").headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(anonymous.get("/sekisho/setup/passkey").headers().firstValue("Location")).contains("/sekisho/login");

    String id = admin.newMember("ver");
    Sql.memberState(id, "method_set_up", "passkey");
    WebClientSession client = gateway.client();
    client.login(id, AdminClient.RULE_PASSWORD);
    // A member already set up cannot add a passkey with the password alone.
    assertThat(client.get("/sekisho/setup/passkey").headers().firstValue("Location")).contains("/sekisho/verify");
    HttpResponse<String> page = client.get("/sekisho/verify/passkey");
    assertThat(page.statusCode()).isEqualTo(200);
    String csrf = csrfOf(page);
    assertThat(page.body()).doesNotContain("passkey-other");
    assertThat(postJson(client, "/sekisho/passkey/register/options", csrf, "{}").statusCode()).isEqualTo(403);
    // No passkey stored: a clear answer instead of an empty browser dialog.
    HttpResponse<String> none = postJson(client, "/sekisho/verify/passkey/options", csrf, "{}");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(errorCode(none)).isEqualTo("none");
    HttpResponse<String> noChallenge = postJson(client, "/sekisho/verify/passkey", csrf,
        "{\"id\":\"a\",\"rawId\":\"a\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\"}}");
    assertThat(noChallenge.statusCode()).isEqualTo(400);
    assertThat(errorCode(noChallenge)).isEqualTo("challenge");

    // With another method set up, the page offers the choice.
    Sql.update("insert into member_method (member_id, method) select id, 'totp' from member where login_id = ?", id);
    assertThat(client.get("/sekisho/verify/passkey").body()).contains("id=\"passkey-other\" href=\"/sekisho/verify\"");
  }

  /** A stolen complete session alone cannot register the thief's passkey: the account page's fresh check comes first. */
  @Test
  void aSignedInMemberRegistersAPasskeyOnlyAfterAFreshCheck() {
    String id = admin.newMember("add");
    dev.sekisho.testing.SignedIn.Factor passkey = dev.sekisho.testing.SignedIn.setUp(gateway, id, "passkey");
    WebClientSession client = gateway.client();
    assertThat(client.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    passkey.pass(client);
    client.get("/sekisho/account/passkeys");
    String csrf = client.csrf();
    assertThat(postJson(client, "/sekisho/passkey/register/options", csrf, "{}").statusCode()).isEqualTo(403);

    client.get("/sekisho/account/otp/prove?intent=add-passkey");
    // Passkeys only: the current password is the fresh check; a wrong one counts like a failed login.
    assertThat(client.post("/sekisho/account/otp/prove", Map.of("intent", "add-passkey", "password", "not-the-password"))
        .statusCode()).isEqualTo(401);
    assertThat(Sql.value("select failures from login_throttle where subject = ?", "id:" + id)).isEqualTo(1);
    assertThat(postJson(client, "/sekisho/passkey/register/options", csrf, "{}").statusCode()).isEqualTo(403);
    HttpResponse<String> proved = client.post("/sekisho/account/otp/prove",
        Map.of("intent", "add-passkey", "password", AdminClient.RULE_PASSWORD));
    assertThat(proved.headers().firstValue("Location")).contains("/sekisho/account/passkeys");
    HttpResponse<String> page = client.get("/sekisho/account/passkeys");
    assertThat(page.body()).contains("id=\"passkey-start\"");
    assertThat(postJson(client, "/sekisho/passkey/register/options", csrfOf(page), "{}").statusCode()).isEqualTo(200);
  }

  /**
   * As on the account page, a signed-in session alone (left open, or stolen) cannot remove one of
   * several passkeys: the fresh check comes first, and opens the window for one removal.
   */
  @Test
  void removingOneOfSeveralPasskeysNeedsAFreshCheck() {
    String id = admin.newMember("rmv");
    dev.sekisho.testing.SignedIn.Factor passkey = dev.sekisho.testing.SignedIn.setUp(gateway, id, "passkey");
    WebClientSession client = gateway.client();
    assertThat(client.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    passkey.pass(client);
    proveWithPassword(client, "add-passkey");
    assertThat(dev.sekisho.testing.SoftAuthenticator.addOn(client, gateway.baseUrl()).statusCode()).isEqualTo(200);
    assertThat(client.post("/sekisho/passkey/name", Map.of("name", "phone")).statusCode()).isEqualTo(303);
    Object first = Sql.value("select min(p.id) from passkey p join member m on m.id = p.member_id where m.login_id = ?", id);
    String remove = "/sekisho/account/passkeys/" + first + "/remove";

    HttpResponse<String> page = client.get("/sekisho/account/passkeys");
    assertThat(page.body()).contains("id=\"remove-prove-" + first + "\"").doesNotContain("action=\"" + remove + "\"");
    HttpResponse<String> refused = client.post(remove, Map.of());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("本人確認をもう一度");
    assertThat(passkeys(id)).as("nothing removed").isEqualTo(2L);

    proveWithPassword(client, "manage-passkeys");
    client.get("/sekisho/account/passkeys");
    assertThat(client.post(remove, Map.of()).statusCode()).isEqualTo(303);
    assertThat(passkeys(id)).isEqualTo(1L);
    // One removal per check: the next one asks again.
    String after = client.get("/sekisho/account/passkeys?removed=1").body();
    assertThat(after).as(after).contains("id=\"remove-prove-").doesNotContain("/remove\"");
  }

  private static void proveWithPassword(WebClientSession client, String intent) {
    client.get("/sekisho/account/otp/prove?intent=" + intent);
    HttpResponse<String> proved = client.post("/sekisho/account/otp/prove", Map.of("intent", intent, "password", AdminClient.RULE_PASSWORD));
    assertThat(proved.headers().firstValue("Location")).contains("/sekisho/account/passkeys");
  }

  private static long passkeys(String id) {
    return Sql.count("select count(*) from passkey p join member m on m.id = p.member_id where m.login_id = ?", id);
  }
}
