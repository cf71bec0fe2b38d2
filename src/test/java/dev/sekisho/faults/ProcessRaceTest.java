package dev.sekisho.faults;

import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.bench.GatewayProcess;
import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway processes (one in this JVM, one a separate OS process) on one PostgreSQL race on one
 * member: both logins succeed with separate, consistent sessions; the same email code, the same
 * hardware-token code and the same confirmation link, sent to both at the same moment, win once.
 */
class ProcessRaceTest {
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})\\r?$");
  private static MailCatcher relay;
  private static TestGateway inJvm;
  private static GatewayProcess child;

  @BeforeAll
  static void start() throws Exception {
    relay = MailCatcher.start(TestGateway.freePort());
    String port = String.valueOf(relay.port());
    inJvm = TestGateway.start(Map.of("mail.mode", "relay", "mail.host", "127.0.0.1", "mail.port", port));
    child = FaultChildren.start(null, Map.of("SEKISHO_DB_URL", TestDatabase.url(), "SEKISHO_DEMO_MEMBER", "false",
        "SEKISHO_MAIL_MODE", "relay", "SEKISHO_MAIL_HOST", "127.0.0.1", "SEKISHO_MAIL_PORT", port));
  }

  @AfterAll
  static void stop() throws Exception {
    if (child != null) {
      child.close();
    }
    if (inJvm != null) {
      inJvm.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void concurrentLoginsBothSucceedAndTheSameEmailCodeWinsOnce() {
    AdminClient admin = inJvm.admin();
    String id = admin.newMember("race-mail");
    Sql.memberSetUp(id, "email");
    WebClientSession a = inJvm.client();
    WebClientSession b = new WebClientSession(child.baseUrl());
    a.get("/sekisho/login");
    b.get("/sekisho/login");
    List<HttpResponse<String>> logins = together(
        () -> a.post("/sekisho/login", Map.of("user_id", id, "password", AdminClient.RULE_PASSWORD)),
        () -> b.post("/sekisho/login", Map.of("user_id", id, "password", AdminClient.RULE_PASSWORD)));
    assertThat(logins).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(303));
    assertThat(a.cookie("sekisho.sid")).isNotEqualTo(b.cookie("sekisho.sid"));
    assertThat(Sql.count("select count(*) from http_session s join member m on m.id = s.member_id where m.login_id = ?", id))
        .isEqualTo(2);

    // One code for the member, whichever process sends it; both pages show the code form.
    assertThat(a.get("/sekisho/verify/email").statusCode()).isEqualTo(200);
    assertThat(b.get("/sekisho/verify/email").statusCode()).isEqualTo(200);
    String code = code(Mailboxes.await(id + "@example.jp", 1, relay));
    List<HttpResponse<String>> checks = together(
        () -> a.post("/sekisho/verify/email", Map.of("code", code)),
        () -> b.post("/sekisho/verify/email", Map.of("code", code)));
    assertThat(checks.stream().filter(ProcessRaceTest::signedIn).count()).as(bodies(checks)).isEqualTo(1);
    assertThat(Mailboxes.count(id + "@example.jp", relay)).isEqualTo(1);
    // The loser's session is still consistent: still at the second step, not signed in.
    WebClientSession loser = signedIn(checks.get(0)) ? b : a;
    assertThat(loser.get("/sekisho/account").statusCode()).isEqualTo(303);
  }

  @Test
  void theSameHardwareTokenCodeOnBothProcessesWinsOnce() {
    AdminClient admin = inJvm.admin();
    for (int round = 0; round < 3; round++) {
      String id = admin.newMember("race-hotp");
      Sql.memberState(id, "method_set_up", "hotp");
      byte[] token = new byte[20];
      token[0] = (byte) round;
      HttpResponse<String> assign = admin.call("PUT", "/members/" + id + "/hotp", new JsonObject()
          .put("serial", "SN-R-" + id).put("secretHex", HexFormat.of().formatHex(token)).put("counter", 0).encode(), "application/json");
      assertThat(assign.statusCode()).as(assign.body()).isEqualTo(200);
      WebClientSession a = inJvm.client();
      WebClientSession b = new WebClientSession(child.baseUrl());
      a.login(id, AdminClient.RULE_PASSWORD);
      b.login(id, AdminClient.RULE_PASSWORD);
      a.get("/sekisho/verify/hotp");
      b.get("/sekisho/verify/hotp");
      String code = OtpAlgorithm.SHA1.text(token, 0, 6);
      List<HttpResponse<String>> checks = together(
          () -> a.post("/sekisho/verify/hotp", Map.of("code", code)),
          () -> b.post("/sekisho/verify/hotp", Map.of("code", code)));
      assertThat(checks.stream().filter(ProcessRaceTest::signedIn).count()).as(bodies(checks)).isEqualTo(1);
    }
  }

  @Test
  void theSameConfirmationLinkOpenedOnBothProcessesConfirmsOnce() {
    AdminClient admin = inJvm.admin();
    for (int round = 0; round < 3; round++) {
      String id = admin.newMember("race-link");
      WebClientSession browser = inJvm.client();
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      browser.get("/sekisho/onboarding/birthdate");
      browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01"));
      browser.get("/sekisho/onboarding/terms");
      browser.post("/sekisho/onboarding/terms", Map.of("agree", "yes"));
      browser.get("/sekisho/onboarding/email");
      assertThat(browser.post("/sekisho/onboarding/email", Map.of("email", "")).statusCode()).isEqualTo(303);
      URI link = URI.create(Mailboxes.link(Mailboxes.await(id + "@example.jp", 1, relay)));
      String path = link.getRawPath() + "?" + link.getRawQuery();
      // Each opens the link (a page with a button), then both press it at the same moment.
      WebClientSession here = inJvm.client();
      WebClientSession there = new WebClientSession(child.baseUrl());
      here.get(path);
      there.get(path);
      Map<String, String> token = Map.of("token", link.getRawQuery().substring("token=".length()));
      List<HttpResponse<String>> opened = together(
          () -> here.post("/sekisho/onboarding/confirm", token),
          () -> there.post("/sekisho/onboarding/confirm", token));
      assertThat(opened.stream().map(HttpResponse::statusCode).sorted().toList()).as(bodies(opened)).containsExactly(200, 410);
      assertThat(Sql.count("select count(*) from member where login_id = ? and email_confirmed_at is not null", id)).isEqualTo(1);
    }
  }

  /** Both requests released at the same moment, each on its own thread. */
  @SafeVarargs
  private static List<HttpResponse<String>> together(Supplier<HttpResponse<String>>... calls) {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<HttpResponse<String>>> running = java.util.Arrays.stream(calls)
        .map(call -> CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          return call.get();
        })).toList();
    go.countDown();
    return running.stream().map(CompletableFuture::join).toList();
  }

  private static boolean signedIn(HttpResponse<String> response) {
    return response.statusCode() == 303 && !response.headers().firstValue("Location").orElse("").startsWith("/sekisho/verify");
  }

  private static String bodies(List<HttpResponse<String>> responses) {
    return responses.stream().map(r -> r.statusCode() + " " + r.headers().firstValue("Location").orElse("")).toList().toString();
  }

  private static String code(CaughtMail mail) {
    Matcher m = CODE_LINE.matcher(mail.body());
    assertThat(m.find()).as(mail.body()).isTrue();
    return m.group(1);
  }
}
