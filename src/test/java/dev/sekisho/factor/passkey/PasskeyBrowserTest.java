package dev.sekisho.factor.passkey;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passkeys end to end in headless Chromium, with Chromium's virtual authenticator standing in for
 * the device's biometric authenticator (CTAP2, internal transport, resident keys, UV).
 */
class PasskeyBrowserTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static AdminClient admin;
  Browser browser;

  @BeforeAll
  static void start() {
    admin = gateway.admin();
  }

  @BeforeEach
  void openBrowser() {
    browser = Browser.start();
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  VirtualAuthenticator authenticator(boolean userVerified) {
    return authenticator(userVerified, VirtualAuthenticatorOptions.Transport.INTERNAL);
  }

  /** Chromium allows one internal (platform) authenticator; others stand for roaming devices. */
  VirtualAuthenticator authenticator(boolean userVerified, VirtualAuthenticatorOptions.Transport transport) {
    return ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
        .setTransport(transport)
        .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(userVerified)
        .setIsUserConsenting(true));
  }

  /** A member the onboarding journey has finished with: passkey chosen, not yet set up. */
  static String onboardedMember() {
    String id = admin.newMember("pk");
    Sql.memberState(id, "onboarded", "passkey");
    return id;
  }

  /** J2.1: ID + password, set-up page, OS dialog, name, 次へ, top page. */
  void setUp(String id, String name) {
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    assertThat(browser.path()).isEqualTo("/sekisho/setup/passkey");
    browser.visible("passkey-start").click();
    var input = browser.visible("passkey-name");
    assertThat(input.getAttribute("value")).contains("Chrome");
    input.clear();
    input.sendKeys(name);
    browser.driver().findElement(By.id("passkey-next")).click();
    continuePastRecoveryCodes(browser);
  }

  /** A first method ends with the member's ten recovery codes, shown once; a later set-up goes straight on. */
  static void continuePastRecoveryCodes(dev.sekisho.testing.Browser browser) {
    browser.waitFor(d -> browser.path().equals("/") || !d.findElements(By.id("recovery-codes")).isEmpty());
    if (!browser.path().equals("/")) {
      assertThat(browser.visible("recovery-codes").findElements(By.tagName("li"))).hasSize(10);
      browser.driver().findElement(By.id("recovery-continue")).click();
      browser.waitForPath("/");
    }
  }

  void logout() {
    browser.open(gateway.baseUrl() + "/sekisho/home");
    browser.visible("logout").click();
    browser.waitForPath("/sekisho/login");
  }

  /** J3.1: ID + password, then the passkey. */
  void signInWithPasskey(String id) {
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    browser.visible("passkey-start").click();
    browser.waitForPath("/");
  }

  @Test
  void memberSetsUpAPasskeyLogsOutAndLogsInWithIt() {
    authenticator(true);
    String id = onboardedMember();
    setUp(id, "仕事用PC");

    assertThat(Sql.value("select onboarding_state from member where login_id = ?", id)).isEqualTo("method_set_up");
    assertThat(Sql.value("select count(*) from member_method mm join member m on m.id = mm.member_id "
        + "where m.login_id = ? and mm.method = 'passkey'", id)).isEqualTo(1L);
    List<Map<String, Object>> keys = Sql.query("select p.name, p.sign_count, p.transports::text as transports, p.aaguid "
        + "from passkey p join member m on m.id = p.member_id where m.login_id = ?", id);
    assertThat(keys).hasSize(1);
    assertThat(keys.get(0).get("name")).isEqualTo("仕事用PC");
    assertThat(Sql.count("select count(*) from otp_recovery_code c join member m on m.id = c.member_id "
        + "where m.login_id = ?", id)).as("recovery codes issued with the first method").isEqualTo(10);

    logout();
    signInWithPasskey(id);
    // The top page is the portal behind the gateway: it names the member and the method used.
    assertThat(browser.driver().findElement(By.id("user")).getText()).isEqualTo(id);
    assertThat(browser.driver().findElement(By.id("method")).getText()).isEqualTo("passkey");
    assertThat(Sql.value("select last_used_at is not null from passkey p join member m on m.id = p.member_id "
        + "where m.login_id = ?", id)).isEqualTo(true);
  }

  /** The passkey row ids and credential ids of a member, oldest first. */
  static List<Map<String, Object>> passkeys(String id) {
    return Sql.query("select p.id, p.credential_id, p.name, p.sign_count from passkey p join member m on m.id = p.member_id "
        + "where m.login_id = ? order by p.id", id);
  }

  /**
   * Runs a sign-in ceremony from the verify page's script helpers, optionally asking only for one
   * credential, and posts the assertion: returns {assertion, status, body} or {error}.
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> scriptedSignIn(String onlyCredentialId) {
    return (Map<String, Object>) browser.js().executeAsyncScript("""
        var only = arguments[0], done = arguments[arguments.length - 1];
        var P = window.SekishoPasskey, csrf = document.getElementById('passkey').dataset.csrf;
        P.postJson('/sekisho/verify/passkey/options', csrf).then(function (o) {
          var options = P.requestOptions(o.body);
          if (only) { options.allowCredentials = [{ type: 'public-key', id: P.toBuffer(only) }]; }
          return navigator.credentials.get({ publicKey: options });
        }).then(function (credential) {
          var json = P.credentialToJson(credential);
          return P.postJson('/sekisho/verify/passkey', csrf, json).then(function (r) {
            done({ assertion: JSON.stringify(json), status: r.status, body: JSON.stringify(r.body) });
          });
        }).catch(function (e) { done({ error: e.name + ': ' + e.message }); });
        """, onlyCredentialId);
  }

  /** Signs given request options (from anywhere) without posting: the assertion JSON. */
  String sign(JsonObject options) {
    Object result = browser.js().executeAsyncScript("""
        var done = arguments[arguments.length - 1], P = window.SekishoPasskey;
        navigator.credentials.get({ publicKey: P.requestOptions(JSON.parse(arguments[0])) })
          .then(function (c) { done(JSON.stringify(P.credentialToJson(c))); })
          .catch(function (e) { done('error ' + e.name); });
        """, options.encode());
    assertThat((String) result).doesNotStartWith("error");
    return (String) result;
  }

  /** A password-only session of the same member, as a second client (an attacker who knows the password). */
  static PasswordSession passwordSession(TestGateway at, String id) {
    WebClientSession client = at.client();
    assertThat(client.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    HttpResponse<String> page = client.get("/sekisho/verify/passkey");
    Matcher m = Pattern.compile("data-csrf=\"([^\"]+)\"").matcher(page.body());
    assertThat(m.find()).isTrue();
    return new PasswordSession(client, m.group(1));
  }

  record PasswordSession(WebClientSession client, String csrf) {
    HttpResponse<String> postJson(String path, String body) {
      return client.send(client.request(path).header("Content-Type", "application/json")
          .header("Accept", "application/json").header("X-CSRF-Token", csrf)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }
  }

  @Test
  void memberRegistersASecondPasskeyAndARemovedOneNoLongerSignsIn() {
    VirtualAuthenticator pc = authenticator(true);
    String id = onboardedMember();
    setUp(id, "PC");
    var savedPc = pc.getCredentials();
    assertThat(savedPc).hasSize(1);

    // A second device: the PC's authenticator leaves, a roaming one arrives (what the site sees of a
    // phone or security key: a cross-platform authenticator, allowed since attachment is not restricted).
    ((HasVirtualAuthenticator) browser.driver()).removeVirtualAuthenticator(pc);
    VirtualAuthenticator phone = authenticator(true, VirtualAuthenticatorOptions.Transport.USB);
    browser.open(gateway.baseUrl() + "/sekisho/account/passkeys");
    // Adding one needs a fresh check first: the current password, since passkeys are all this member has.
    assertThat(browser.driver().findElements(By.id("passkey-start"))).isEmpty();
    browser.visible("passkey-add-prove").click();
    browser.visible("password").sendKeys(AdminClient.RULE_PASSWORD);
    browser.visible("otp-submit").click();
    browser.waitForPath("/sekisho/account/passkeys");
    browser.visible("passkey-start").click();
    var name = browser.visible("passkey-name");
    name.clear();
    name.sendKeys("スマホ");
    browser.driver().findElement(By.id("passkey-next")).click();
    browser.visible("passkey-notice");
    assertThat(browser.driver().findElements(By.className("passkey-row"))).hasSize(2);
    List<Map<String, Object>> keys = passkeys(id);
    assertThat(keys).extracting(k -> k.get("name")).containsExactly("PC", "スマホ");

    // Remove the PC's passkey (after a fresh check, as on the account page); the last one cannot go
    // while no other method is set up.
    proveToRemove(keys.get(0).get("id"));
    browser.visible("remove-" + keys.get(0).get("id")).click();
    assertThat(browser.visible("passkey-notice").getText()).isNotBlank();
    assertThat(passkeys(id)).hasSize(1);
    proveToRemove(keys.get(1).get("id"));
    browser.visible("remove-" + keys.get(1).get("id")).click();
    assertThat(browser.visible("passkey-error").getText()).contains("最後の認証方法");
    assertThat(passkeys(id)).hasSize(1);
    assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'passkey.remove'", id)).isEqualTo(1L);

    // The PC's authenticator comes back with its (removed) passkey: refused as not recognised.
    logout();
    // One authenticator at a time: one that answers "no such credential" would end the request.
    var savedPhone = phone.getCredentials();
    ((HasVirtualAuthenticator) browser.driver()).removeVirtualAuthenticator(phone);
    VirtualAuthenticator pcAgain = authenticator(true);
    pcAgain.addCredential(savedPc.get(0));
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    browser.visible("passkey-start");
    Map<String, Object> removed = scriptedSignIn((String) keys.get(0).get("credential_id"));
    assertThat(removed).containsEntry("status", 400L);
    assertThat((String) removed.get("body")).contains("not_recognised");
    assertThat(browser.path()).isEqualTo("/sekisho/verify/passkey");

    // The phone's passkey still signs in.
    ((HasVirtualAuthenticator) browser.driver()).removeVirtualAuthenticator(pcAgain);
    VirtualAuthenticator phoneAgain = authenticator(true, VirtualAuthenticatorOptions.Transport.USB);
    phoneAgain.addCredential(savedPhone.get(0));
    browser.visible("passkey-start").click();
    browser.waitForPath("/");
  }

  @Test
  void cancelledDialogShowsAClearMessage() {
    VirtualAuthenticator device = authenticator(true);
    String id = onboardedMember();
    setUp(id, "PC");
    logout();
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    // The member fails or cancels the face / fingerprint check: the browser reports NotAllowedError.
    device.setUserVerified(false);
    browser.visible("passkey-start").click();
    assertThat(browser.visible("passkey-message").getText()).contains("キャンセル");
    assertThat(browser.path()).isEqualTo("/sekisho/verify/passkey");
  }

  @Test
  void wrongOriginAndReplayedAssertionAreRefused() {
    authenticator(true);
    String id = onboardedMember();
    setUp(id, "PC");
    logout();
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    browser.visible("passkey-start");

    // Wrong origin: a second gateway (its own origin) issues the challenge; the browser signs it at
    // this gateway's origin; everything but the origin is valid.
    try (TestGateway other = TestGateway.start()) {
      PasswordSession elsewhere = passwordSession(other, id);
      HttpResponse<String> options = elsewhere.postJson("/sekisho/verify/passkey/options", "{}");
      assertThat(options.statusCode()).isEqualTo(200);
      String assertion = sign(new JsonObject(options.body()));
      HttpResponse<String> refused = elsewhere.postJson("/sekisho/verify/passkey", assertion);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("origin");
    }
    assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'passkey.login' "
        + "and detail->>'reason' = 'origin'", id)).isEqualTo(1L);

    // A real sign-in, captured, then replayed by another session of the same member.
    Map<String, Object> signIn = scriptedSignIn(null);
    assertThat(signIn).containsEntry("status", 200L);
    String captured = (String) signIn.get("assertion");
    PasswordSession attacker = passwordSession(gateway, id);
    HttpResponse<String> noChallenge = attacker.postJson("/sekisho/verify/passkey", captured);
    assertThat(noChallenge.statusCode()).isEqualTo(400);
    assertThat(attacker.postJson("/sekisho/verify/passkey/options", "{}").statusCode()).isEqualTo(200);
    HttpResponse<String> replay = attacker.postJson("/sekisho/verify/passkey", captured);
    assertThat(replay.statusCode()).isEqualTo(400);
    // Still only past the password: the verify page is shown, not the portal.
    assertThat(attacker.client().get("/sekisho/verify/passkey").statusCode()).isEqualTo(200);
  }

  @Test
  void clonedAuthenticatorCounterIsRefusedAndAudited() {
    authenticator(true);
    String id = onboardedMember();
    setUp(id, "PC");
    logout();
    // The stored counter is ahead of this authenticator's: as if a clone had been used elsewhere.
    Sql.update("update passkey set sign_count = 100000 where member_id = (select id from member where login_id = ?)", id);
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    browser.open(gateway.baseUrl() + "/sekisho/verify/passkey");
    browser.visible("passkey-start").click();
    assertThat(browser.visible("passkey-message").getText()).contains("安全のため");
    assertThat(browser.path()).isEqualTo("/sekisho/verify/passkey");
    assertThat(passkeys(id).get(0).get("sign_count")).isEqualTo(100000L);
    assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'passkey.login' "
        + "and outcome = 'counter_regressed'", id)).isEqualTo(1L);
  }

  @Test
  void insurerRemovesAllPasskeysAndTheMemberSetsUpAgain() {
    authenticator(true);
    String id = onboardedMember();
    setUp(id, "PC");
    HttpResponse<String> listed = admin.call("GET", "/members/" + id + "/passkeys", null, null);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(listed.body()).getJsonArray("passkeys").getJsonObject(0).getString("name")).isEqualTo("PC");
    HttpResponse<String> reset = admin.call("DELETE", "/members/" + id + "/passkeys", null, null);
    assertThat(reset.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(reset.body());
    assertThat(body.getInteger("removed")).isEqualTo(1);
    assertThat(body.getString("onboardingState")).isEqualTo("onboarded");
    assertThat(passkeys(id)).isEmpty();
    assertThat(Sql.value("select count(*) from member_method mm join member m on m.id = mm.member_id where m.login_id = ?", id))
        .isEqualTo(0L);
    assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'admin.passkeys.remove_all'", id))
        .isEqualTo(1L);
    // The member's session ended; the next login goes to set-up again.
    browser.open(gateway.baseUrl() + "/sekisho/account/passkeys");
    assertThat(browser.path()).isEqualTo("/sekisho/login");
    browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
    assertThat(browser.path()).isEqualTo("/sekisho/setup/passkey");
    assertThat(admin.call("DELETE", "/members/nobody-here/passkeys", null, null).statusCode()).isEqualTo(404);
    assertThat(gateway.client().send(gateway.client().request("/sekisho/admin/api/members/" + id + "/passkeys")
        .DELETE().build()).statusCode()).isEqualTo(401);
  }

  /** The passkeys page's removal asks for the account page's fresh check first (the current password here). */
  private void proveToRemove(Object passkeyId) {
    browser.visible("remove-prove-" + passkeyId).click();
    browser.visible("password").sendKeys(AdminClient.RULE_PASSWORD);
    browser.visible("otp-submit").click();
    browser.waitForPath("/sekisho/account/passkeys");
  }
}
