package dev.sekisho.onboarding;

import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.sekisho.mail.CaughtMail;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 item 7: no secret, code, password or token in any log line or error page, and codes,
 * tokens and session ids stored only hashed, OTP secrets only encrypted. A whole journey runs
 * while every log event of the JVM (the gateway runs in it) is captured from the logback root
 * logger; then the captured text is searched for every secret the journey used.
 */
class SecretsInLogsTest {
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  private static final Pattern RECOVERY = Pattern.compile("<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>");
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static final String WRONG_PASSWORD = "Wrong-Passw0rd-Typed-9182";
  private static final String ADMIN_SET_PASSWORD = "Admin-Chosen-Pass-5531";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static ListAppender<ILoggingEvent> logs;
  /** Every secret the journey used, by what it is (for the failure message). */
  static final Map<String, String> secrets = new LinkedHashMap<>();
  static final List<String> pages = new ArrayList<>();

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  static void secret(String what, String value) {
    if (value != null && !value.isEmpty()) {
      secrets.put(what + " " + secrets.size(), value);
    }
  }

  static HttpResponse<String> seen(HttpResponse<String> response) {
    // The body and where it redirects (not the request URL, and not Set-Cookie: the session cookie is
    // meant to carry the session id).
    pages.add(response.statusCode() + " " + response.headers().firstValue("Location").orElse("") + "\n" + response.body());
    return response;
  }

  static void sessionOf(WebClientSession browser, String what) {
    secret("session id (" + what + ")", browser.cookie("sekisho.sid"));
    secret("csrf token (" + what + ")", browser.csrf());
  }

  static String totp(byte[] key, long offset) {
    return OtpAlgorithm.SHA1.text(key, System.currentTimeMillis() / 1000 / 30 + offset, 6);
  }

  @Test
  void aWholeJourneyLeavesNoSecretInTheLogsOrPagesAndStoresOnlyHashesAndCiphertext() throws Exception {
    AdminClient admin = gateway.admin();
    secret("admin token", TestGateway.ADMIN_TOKEN);
    // Import (admin API), first login with a wrong then the issued password.
    String id = admin.newMember("sec");
    secret("issued password", AdminClient.RULE_PASSWORD);
    WebClientSession browser = gateway.client();
    secret("typed wrong password", WRONG_PASSWORD);
    HttpResponse<String> wrong = seen(browser.login(id, WRONG_PASSWORD));
    assertThat(wrong.statusCode()).isEqualTo(401);
    OnboardingSteps.login(browser, id, AdminClient.RULE_PASSWORD, "/sekisho/onboarding/birthdate");
    sessionOf(browser, "password level");
    // Onboarding with the real mail link.
    OnboardingSteps.birthdate(browser);
    OnboardingSteps.terms(browser);
    OnboardingSteps.sendMail(browser, null);
    String link = OnboardingSteps.confirmLink(id + "@example.jp", 1, Mailboxes.of(gateway));
    String token = URI.create(link).getQuery().replaceFirst("^.*token=", "").replaceFirst("&.*$", "");
    secret("confirmation token", token);
    assertThat(seen(OnboardingSteps.openLink(gateway.baseUrl(), link)).statusCode()).isEqualTo(200);
    assertThat(OnboardingSteps.landing(browser, browser.get("/sekisho/onboarding/wait"))).isEqualTo("/sekisho/onboarding/method");
    OnboardingSteps.method(browser, "totp");
    secret("new password", OnboardingSteps.NEW_PASSWORD);
    OnboardingSteps.password(browser);
    OnboardingSteps.finish(browser);

    // TOTP set-up: the key, a wrong code, the right code, the recovery codes.
    WebClientSession setup = gateway.client();
    assertThat(setup.login(id, OnboardingSteps.NEW_PASSWORD).headers().firstValue("Location")).contains("/sekisho/setup/totp");
    HttpResponse<String> page = setup.get("/sekisho/setup/totp");
    Matcher m = KEY.matcher(page.body());
    assertThat(m.find()).isTrue();
    String base32 = m.group(1);
    byte[] key = Base32Text.decode(base32);
    secret("totp secret base32", base32);
    secret("totp secret base32 lower", base32.toLowerCase());
    secret("totp secret hex", HexFormat.of().formatHex(key));
    secret("totp secret hex upper", HexFormat.of().withUpperCase().formatHex(key));
    String wrongCode = totp(key, 7);
    // Not among the searched pages: after a wrong code the set-up page rightly shows the member's
    // pending key again (it is still to be scanned); it must not echo the code.
    HttpResponse<String> refused = setup.post("/sekisho/setup/totp", Map.of("code", wrongCode));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).as("the refused code is not echoed").doesNotContain("value=\"" + wrongCode + "\"");
    String setupCode = totp(key, 0);
    secret("totp set-up code", setupCode);
    HttpResponse<String> done = setup.post("/sekisho/setup/totp", Map.of("code", setupCode));
    assertThat(done.statusCode()).isEqualTo(200);
    List<String> recovery = new ArrayList<>();
    Matcher r = RECOVERY.matcher(done.body());
    while (r.find()) {
      recovery.add(r.group(1));
      secret("recovery code", r.group(1));
      secret("recovery code bare", r.group(1).replace("-", ""));
    }
    assertThat(recovery).hasSize(10);
    sessionOf(setup, "set-up");
    assertThat(setup.post("/sekisho/otp/continue", Map.of()).statusCode()).isEqualTo(303);
    sessionOf(setup, "complete");
    setup.get("/sekisho/logout");
    assertThat(setup.post("/sekisho/logout", Map.of()).statusCode()).isEqualTo(303);

    // Login with TOTP.
    WebClientSession second = gateway.client();
    assertThat(second.login(id, OnboardingSteps.NEW_PASSWORD).statusCode()).isEqualTo(303);
    second.get("/sekisho/verify/totp");
    String loginCode = totp(key, 1);
    secret("totp login code", loginCode);
    HttpResponse<String> in = second.post("/sekisho/verify/totp", Map.of("code", loginCode));
    assertThat(in.statusCode()).isEqualTo(303);
    sessionOf(second, "totp login");
    second.get("/sekisho/account");
    second.get("/sekisho/logout");
    assertThat(second.post("/sekisho/logout", Map.of()).statusCode()).isEqualTo(303);

    // Login with a recovery code.
    WebClientSession third = gateway.client();
    third.login(id, OnboardingSteps.NEW_PASSWORD);
    third.get("/sekisho/verify/recovery");
    HttpResponse<String> recovered = third.post("/sekisho/verify/recovery", Map.of("code", recovery.get(0)));
    assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(303);
    sessionOf(third, "recovery login");

    // The JSON API: login, bearer token, a wrong code.
    HttpResponse<String> api = gateway.client().postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", OnboardingSteps.NEW_PASSWORD).encode(), "application/json");
    assertThat(api.statusCode()).isEqualTo(200);
    JsonObject apiBody = new JsonObject(api.body());
    secret("api token", apiBody.getString("token"));
    secret("api csrf", apiBody.getString("csrfToken"));
    WebClientSession apiClient = gateway.client();
    HttpResponse<String> apiWrong = seen(apiClient.send(apiClient.request("/sekisho/api/otp/verify")
        .header("Authorization", "Bearer " + apiBody.getString("token")).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject().put("code", totp(key, 9)).encode())).build()));
    assertThat(apiWrong.statusCode()).isEqualTo(401);

    // An email OTP, for a member whose method is email.
    String mailed = admin.newMember("sec");
    Sql.memberSetUp(mailed, "email");
    WebClientSession emailBrowser = gateway.client();
    emailBrowser.login(mailed, AdminClient.RULE_PASSWORD);
    emailBrowser.get("/sekisho/verify/email");
    CaughtMail codeMail = Mailboxes.await(mailed + "@example.jp", 1, Mailboxes.of(gateway));
    Matcher c = CODE.matcher(codeMail.body());
    assertThat(c.find()).as(codeMail.body()).isTrue();
    secret("email code", c.group(1));
    HttpResponse<String> emailIn = emailBrowser.post("/sekisho/verify/email", Map.of("code", c.group(1)));
    assertThat(emailIn.statusCode()).as(emailIn.body()).isEqualTo(303);
    sessionOf(emailBrowser, "email login");

    // Admin calls with the token, one of them setting a password.
    assertThat(admin.member(id)).isNotNull();
    assertThat(admin.call("GET", "/audit?userId=" + id, null, null).statusCode()).isEqualTo(200);
    secret("admin-set password", ADMIN_SET_PASSWORD);
    HttpResponse<String> reset = admin.call("POST", "/members/" + mailed + "/password",
        new JsonObject().put("password", ADMIN_SET_PASSWORD).encode(), "application/json");
    assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
    assertThat(reset.body()).doesNotContain(ADMIN_SET_PASSWORD);
    HttpResponse<String> refusedAdmin = seen(AdminClient.withToken(gateway.baseUrl(), "wrong-" + TestGateway.ADMIN_TOKEN)
        .call("GET", "/members/" + id, null, null));
    assertThat(refusedAdmin.statusCode()).isEqualTo(401);

    // ---- the logs: every event's formatted message, arguments, key-values, MDC and stack trace,
    // and every event as each log.format writes it (text and JSON lines, as shipped).
    StringBuilder all = new StringBuilder();
    ch.qos.logback.classic.LoggerContext logging = (ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory();
    var textLines = dev.sekisho.logging.LogFormat.TEXT.encoder(logging);
    var jsonLines = dev.sekisho.logging.LogFormat.JSON.encoder(logging);
    int accessLinesWithId = 0;
    List<ILoggingEvent> events = List.copyOf(logs.list);
    for (ILoggingEvent event : events) {
      String json = new String(jsonLines.encode(event), java.nio.charset.StandardCharsets.UTF_8);
      all.append(new String(textLines.encode(event), java.nio.charset.StandardCharsets.UTF_8)).append(json);
      if (event.getLoggerName().equals("sekisho.access")
          && new JsonObject(json).getJsonObject("mdc", new JsonObject()).getString("requestId") != null) {
        accessLinesWithId++;
      }
      all.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage()).append(' ')
          .append(event.getMDCPropertyMap()).append(' ').append(event.getKeyValuePairs());
      if (event.getThrowableProxy() != null) {
        all.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      all.append('\n');
    }
    String text = all.toString();
    assertThat(logs.list).as("the journey was logged (access lines)").hasSizeGreaterThan(30);
    assertThat(text).contains("path=/sekisho/verify/totp").contains("\"formattedMessage\":\"method=POST path=\\/sekisho\\/verify\\/totp");
    assertThat(accessLinesWithId).as("access lines with their request id").isEqualTo(
        (int) events.stream().filter(e -> e.getLoggerName().equals("sekisho.access")).count());
    List<String> inLogs = new ArrayList<>();
    List<String> inPages = new ArrayList<>();
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      if (text.contains(s.getValue())) {
        int at = text.indexOf(s.getValue());
        inLogs.add(s.getKey() + ": ..." + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 60)));
      }
      for (String p : pages) {
        // Pages may carry the session's own CSRF token; nothing else.
        if (!s.getKey().startsWith("csrf") && !s.getKey().startsWith("api csrf") && p.contains(s.getValue())) {
          inPages.add(s.getKey() + " in " + p.substring(0, Math.min(p.length(), 200)));
        }
      }
    }
    System.out.println("secrets: " + secrets.size() + " secrets searched in " + logs.list.size() + " log events and "
        + pages.size() + " refusal pages");
    assertThat(inLogs).as("secrets in the logs").isEmpty();
    assertThat(inPages).as("secrets in error pages").isEmpty();

    // ---- at rest: ciphertext and hashes only.
    long memberId = ((Number) Sql.value("select id from member where login_id = ?", id)).longValue();
    byte[] stored = (byte[]) Sql.value("select secret from otp_totp where member_id = ?", memberId);
    assertThat(contains(stored, key)).as("raw TOTP key in otp_totp.secret").isFalse();
    assertThat(contains(stored, base32.getBytes(StandardCharsets.US_ASCII))).as("base32 TOTP key stored").isFalse();
    assertThat(contains(stored, HexFormat.of().formatHex(key).getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(Sql.value("select key_id from otp_totp where member_id = ?", memberId)).isNotNull();
    for (String code : recovery) {
      for (Map<String, Object> row : Sql.query("select code_hash from otp_recovery_code where member_id = ?", memberId)) {
        byte[] hash = (byte[]) row.get("code_hash");
        assertThat(contains(hash, code.getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(contains(hash, code.replace("-", "").getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(hash.length).as("a digest, not the code").isGreaterThanOrEqualTo(32);
      }
    }
    assertThat(Sql.count("select count(*) from otp_recovery_code where member_id = ?", memberId)).isEqualTo(10);
    long mailedId = ((Number) Sql.value("select id from member where login_id = ?", mailed)).longValue();
    byte[] codeHash = (byte[]) Sql.value("select code_hash from otp_email_code where member_id = ?", mailedId);
    assertThat(codeHash.length).isGreaterThanOrEqualTo(32);
    assertThat(contains(codeHash, c.group(1).getBytes(StandardCharsets.US_ASCII))).isFalse();
    byte[] tokenHash = (byte[]) Sql.value("select token_hash from email_confirmation where member_id = ?", memberId);
    assertThat(tokenHash.length).isGreaterThanOrEqualTo(32);
    assertThat(contains(tokenHash, token.getBytes(StandardCharsets.US_ASCII))).isFalse();
    // Session ids: only their SHA-256 is a key; no row holds an id in clear.
    String sid = third.cookie("sekisho.sid");
    byte[] sidHash = MessageDigest.getInstance("SHA-256").digest(sid.getBytes(StandardCharsets.US_ASCII));
    assertThat(Sql.count("select count(*) from http_session where id_hash = ?", (Object) sidHash)).isEqualTo(1);
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      if (s.getKey().startsWith("session id") || s.getKey().startsWith("api token")) {
        byte[] value = s.getValue().getBytes(StandardCharsets.US_ASCII);
        assertThat(Sql.count("select count(*) from http_session where id_hash = ? or position(? in data) > 0",
            value, value)).as(s.getKey() + " stored in clear").isZero();
      }
    }
    // Passwords: Argon2id PHC strings only.
    assertThat((String) Sql.value("select password_hash from member where id = ?", memberId)).startsWith("$argon2id$")
        .doesNotContain(OnboardingSteps.NEW_PASSWORD);
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
