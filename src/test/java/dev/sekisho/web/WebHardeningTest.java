package dev.sekisho.web;

import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web security properties of the whole router: CSRF on every state-changing route (enumerated from
 * the router itself, so a route added later is covered), session fixation at both steps, immediate
 * revocation, and HSTS from trusted proxies only.
 */
class WebHardeningTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  @RegisterExtension
  static final GatewayExtension second = GatewayExtension.defaults();

  /**
   * Routes under /sekisho that accept any method. None may change state: middleware and the
   * forward-auth pair (a proxy calls them with the original request's method; /start changes only
   * the visitor's own same-site return-to path). A new one fails this test until it is looked at.
   */
  static final Set<String> ANY_METHOD = Set.of("/sekisho/", "/sekisho/api/", "/sekisho/static/",
      "/sekisho/auth/verify", "/sekisho/auth/start",
      // The staff console's session, body and CSRF handlers and its 404 (staff/StaffConsole).
      "/sekisho/admin");

  @AfterAll
  static void stop() {
    System.out.println("Page rules (CSP, headers, no inline code) held on " + pagesChecked() + " distinct gateway pages so far in this JVM");
  }

  static int pagesChecked() {
    return dev.sekisho.testing.PageRules.CHECKED.size();
  }

  @SuppressWarnings("unchecked")
  static List<JsonObject> routes(TestGateway gw) {
    JsonArray routes = (JsonArray) gw.vertx().sharedData().getLocalMap(GatewayRouter.ROUTES_MAP).get("routes");
    assertThat(routes).as("the HTTP verticle publishes its routes").isNotNull();
    List<JsonObject> out = new ArrayList<>();
    routes.forEach(r -> out.add((JsonObject) r));
    return out;
  }

  @Test
  void everyStateChangingRouteRefusesARequestWithoutAValidCsrfToken() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    browser.get("/sekisho/home");
    Set<String> tried = new TreeSet<>();
    Set<String> anyMethod = new TreeSet<>();
    for (JsonObject route : routes(gateway)) {
      String path = route.getString("path");
      if (!path.startsWith("/sekisho/") || path.startsWith("/sekisho/admin/api")) {
        continue; // the admin API takes only the bearer token, never the session cookie
      }
      JsonArray methods = route.getJsonArray("methods");
      if (methods.isEmpty()) {
        anyMethod.add(path);
        continue;
      }
      String concrete = path.replaceAll(":[A-Za-z]+", "x");
      for (Object m : methods) {
        String method = (String) m;
        if (Set.of("GET", "HEAD", "OPTIONS").contains(method)) {
          continue;
        }
        for (String token : new String[] {null, "forged-token"}) {
          String body = token == null ? "a=1" : "a=1&_csrf=" + token;
          HttpRequest.Builder request = browser.request(concrete).header("Content-Type", "application/x-www-form-urlencoded")
              .method(method, HttpRequest.BodyPublishers.ofString(body));
          if (token != null) {
            request.header("X-CSRF-Token", token);
          }
          HttpResponse<String> answer = browser.send(request.build());
          assertThat(answer.statusCode()).as(method + " " + concrete + (token == null ? " without a token" : " with a forged token"))
              .isEqualTo(403);
          assertThat(answer.body()).doesNotContain("Exception");
        }
        tried.add(method + " " + concrete);
      }
    }
    System.out.println("CSRF refused on " + tried.size() + " state-changing routes: " + tried);
    assertThat(tried).as("the enumeration found the routes").hasSizeGreaterThan(20)
        .contains("POST /sekisho/logout", "POST /sekisho/login", "POST /sekisho/verify/totp", "POST /sekisho/api/otp/verify",
            "POST /sekisho/admin/login", "POST /sekisho/admin/members/x/password", "POST /sekisho/admin/staff");
    assertThat(anyMethod).as("any-method routes under /sekisho").isSubsetOf(ANY_METHOD);
    // Nothing happened: still signed in, the member unchanged.
    assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(200);
    assertThat(gateway.admin().member(id).getString("onboardingState")).isEqualTo("method_set_up");
  }

  @Test
  void theSessionIdChangesAtLoginAndAgainAtTheSecondFactor() {
    String id = gateway.admin().newMember("fix");
    Sql.memberState(id, "method_set_up", "hotp");
    byte[] token = new byte[20];
    for (int i = 0; i < token.length; i++) {
      token[i] = (byte) (i * 7 + 3);
    }
    HttpResponse<String> assign = gateway.admin().call("PUT", "/members/" + id + "/hotp",
        new JsonObject().put("serial", "SN-FIX-" + id).put("secretBase32", Base32Text.encode(token)).put("counter", 0).encode(),
        "application/json");
    assertThat(assign.statusCode()).as(assign.body()).isEqualTo(200);

    WebClientSession browser = gateway.client();
    browser.get("/sekisho/login");
    String anonymous = browser.cookie("sekisho.sid");
    assertThat(anonymous).isNotNull();
    HttpResponse<String> login = browser.post("/sekisho/login", Map.of("user_id", id, "password", AdminClient.RULE_PASSWORD));
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/verify");
    String afterPassword = browser.cookie("sekisho.sid");
    assertThat(afterPassword).as("new id at the password step").isNotEqualTo(anonymous);
    // The id an attacker planted (the anonymous one) gives nothing.
    WebClientSession attacker = gateway.client();
    attacker.setCookie("sekisho.sid", anonymous);
    assertThat(attacker.get("/sekisho/verify/hotp").headers().firstValue("Location")).contains("/sekisho/login");

    browser.get("/sekisho/verify/hotp");
    HttpResponse<String> verified = browser.post("/sekisho/verify/hotp", Map.of("code", OtpAlgorithm.SHA1.text(token, 0, 6)));
    assertThat(verified.statusCode()).as(verified.body()).isEqualTo(303);
    String complete = browser.cookie("sekisho.sid");
    assertThat(complete).as("new id at the second factor").isNotEqualTo(afterPassword).isNotEqualTo(anonymous);
    assertThat(browser.get("/sekisho/home").statusCode()).isEqualTo(200);
    WebClientSession stale = gateway.client();
    stale.setCookie("sekisho.sid", afterPassword);
    assertThat(stale.get("/sekisho/home").statusCode()).as("the password-step id is dead").isEqualTo(303);
  }

  @Test
  void adminRevocationEndsTheSessionAtOnceOnEveryGateway() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    WebClientSession elsewhere = browser.sameBrowserAt(second.baseUrl());
    assertThat(elsewhere.get("/sekisho/home").statusCode()).isEqualTo(200);
    HttpResponse<String> ended = gateway.admin().call("POST", "/members/" + id + "/sessions/end", null, null);
    assertThat(new JsonObject(ended.body()).getInteger("sessionsEnded")).isEqualTo(1);
    assertThat(browser.get("/sekisho/home").headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(elsewhere.get("/sekisho/home").headers().firstValue("Location")).contains("/sekisho/login");
  }

  @Test
  void everyGatewayAnswerUnderSekishoIsNoStoreAndCarriesTheHeaders() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    for (String path : List.of("/sekisho/home", "/sekisho/account", "/sekisho/logout", "/sekisho/verify", "/sekisho/nope",
        "/sekisho/login?return_to=https://evil.example/")) {
      HttpResponse<String> page = browser.get(path);
      assertThat(page.headers().firstValue("Cache-Control")).as(path).contains("no-store");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).as(path)
          .contains("frame-ancestors 'none'").contains("script-src 'self'").doesNotContain("unsafe-inline");
      assertThat(page.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
      assertThat(page.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
    }
  }

  /**
   * Decision: X-Forwarded-Proto: https from a trusted proxy adds HSTS to the answer; Secure cookies
   * stay a setting (http.secureCookies, or automatic with http.tls.*). From anyone else both
   * X-Forwarded-Proto and X-Forwarded-For are ignored: limits count the real peer.
   */
  @Test
  void forwardedHeadersAreBelievedOnlyFromATrustedProxy() {
    WebClientSession browser = gateway.client();
    HttpResponse<String> plain = browser.get("/sekisho/login");
    assertThat(plain.headers().firstValue("Strict-Transport-Security")).as("plain HTTP, no TLS proxy").isEmpty();
    HttpResponse<String> trusted = browser.send(browser.request("/sekisho/login").header("X-Forwarded-Proto", "https").GET().build());
    assertThat(trusted.headers().firstValue("Strict-Transport-Security")).contains(SecurityHeaders.HSTS);
    try (TestGateway untrusting = TestGateway.start(Map.of("http.trustedProxies", "192.0.2.1"))) {
      WebClientSession direct = untrusting.client();
      HttpResponse<String> spoofed = direct.send(direct.request("/sekisho/login").header("X-Forwarded-Proto", "https").GET().build());
      assertThat(spoofed.headers().firstValue("Strict-Transport-Security")).as("header from an untrusted peer").isEmpty();
      assertThat(direct.login("ghost-" + java.util.UUID.randomUUID(), "wrong").statusCode()).isEqualTo(401);
      assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "ip:" + direct.clientAddress()))
          .as("the X-Forwarded-For an untrusted peer sent").isZero();
      assertThat(Sql.count("select count(*) from login_throttle where subject = 'ip:127.0.0.1'")).as("the real peer").isOne();
      untrusting.admin().call("POST", "/ips/127.0.0.1/unlock", null, null);
    }
    WebClientSession proxied = gateway.client();
    assertThat(proxied.login("ghost-" + java.util.UUID.randomUUID(), "wrong").statusCode()).isEqualTo(401);
    assertThat(Sql.count("select count(*) from login_throttle where subject = ?", "ip:" + proxied.clientAddress()))
        .as("the client behind a trusted proxy").isOne();
  }

  /** Every template (pages and partials) is free of what the CSP would block; rendered pages are checked by PageRules. */
  @Test
  void noTemplateHasInlineScriptsStylesOrHandlers() throws Exception {
    List<java.nio.file.Path> templates;
    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("webroot", "templates"))) {
      templates = files.filter(f -> f.toString().endsWith(".hbs")).toList();
    }
    assertThat(templates).hasSizeGreaterThan(20);
    for (var template : templates) {
      String text = java.nio.file.Files.readString(template);
      assertThat(text).as(template.toString())
          .doesNotContainPattern("(?i)<script(?![^>]*\\bsrc=)[^>]*>")
          .doesNotContainPattern("(?i)<style\\b|\\sstyle\\s*=")
          .doesNotContainPattern("(?i)<[^>]+\\son[a-z]+\\s*=")
          .doesNotContainIgnoringCase("javascript:");
    }
  }
}
