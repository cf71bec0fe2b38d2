package dev.sekisho.factor.batch;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second-step pages' email and recovery code checks through a whole gateway with group commit
 * (one event loop, batches of four, a long fixed window): one member's code raced by two sessions
 * passes once, the other members' checks share one statement, and a recovery code's security notice
 * is queued for each one used, as without batching. Batch sizes are read from /metrics.
 */
class CodePagesBatchTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("http.instances", "1", "otp.batch.enabled", "true",
      "otp.batch.adaptive", "false", "otp.batch.windowMillis", "1000", "otp.batch.maxSize", "4"));
  private static final HttpClient http = HttpClient.newHttpClient();
  /** The subject of the security notice "recovery code used" (notice-recovery-code-used.ja.txt). */
  private static final String USED_NOTICE = "回復コードでログインしました";

  /** Posts each browser's code to the page at once; the answers in the same order. */
  private static List<HttpResponse<String>> postTogether(String page, List<WebClientSession> browsers, List<String> codes) {
    ExecutorService senders = Executors.newFixedThreadPool(browsers.size());
    try {
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < browsers.size(); i++) {
        WebClientSession browser = browsers.get(i);
        String code = codes.get(i);
        sent.add(CompletableFuture.supplyAsync(() -> browser.post(page, Map.of("code", code)), senders));
      }
      return sent.stream().map(CompletableFuture::join).toList();
    } finally {
      senders.shutdown();
    }
  }

  /** [statements sent, checks they decided] for the statement, from the gateway's batch-size summary. */
  private static long[] batches(String statement) throws Exception {
    TestGateway on = gateway;
    String text = http.send(HttpRequest.newBuilder(URI.create(on.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    return new long[] {(long) metric(text, "sekisho_otp_check_batch_size_count", statement),
        (long) metric(text, "sekisho_otp_check_batch_size_sum", statement)};
  }

  private static double metric(String text, String name, String statement) {
    return text.lines().filter(l -> l.startsWith(name + "{") && l.contains("statement=\"" + statement + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static WebClientSession onPage(String id, String page) {
    WebClientSession browser = gateway.client();
    browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(browser.get(page).statusCode()).isEqualTo(200);
    return browser;
  }

  @Test
  void emailCodesOfThePagesShareAStatementAndARacedCodePassesOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    List<WebClientSession> browsers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = gateway.admin().newMember("mailpg");
      SignedIn.setUp(gateway, id, "email");
      int before = SignedIn.codeMails(Mailboxes.of(gateway), id + "@example.jp");
      browsers.add(onPage(id, "/sekisho/verify/email"));
      ids.add(id);
      codes.add(SignedIn.mailedCode(Mailboxes.of(gateway), id + "@example.jp", before));
    }
    // A second session of the first member: its page sends nothing while the code is live.
    browsers.add(0, onPage(ids.get(0), "/sekisho/verify/email"));
    codes.add(0, codes.get(0));
    long[] before = batches("email");

    List<HttpResponse<String>> answers = postTogether("/sekisho/verify/email", browsers, codes);

    assertThat(List.of(answers.get(0).statusCode(), answers.get(1).statusCode())).containsExactlyInAnyOrder(303, 410);
    assertThat(answers.get(2).statusCode()).isEqualTo(303);
    assertThat(answers.get(3).statusCode()).isEqualTo(303);
    long[] after = batches("email");
    // The three members in one statement; the racing member's second check alone, a window later.
    assertThat(after[0] - before[0]).as("statements").isEqualTo(2);
    assertThat(after[1] - before[1]).as("checks decided").isEqualTo(4);
    for (String id : ids) {
      // Committed with the code's use, before the answer: no waiting for a later write.
      assertThat(events(id, "otp.verify.email", "ok")).as("one pass, one event: " + id).isEqualTo(1);
    }
  }

  /** The member's audit events of this kind and outcome. */
  private static long events(String loginId, String kind, String outcome) {
    return dev.sekisho.testing.Sql.count("select count(*) from audit_event where login_id = ? and kind = ? and outcome = ?",
        loginId, kind, outcome);
  }

  @Test
  void theApisEmailCheckAuditsAPassOnceWithItAndARefusalAsBefore() throws Exception {
    String id = gateway.admin().newMember("mailapi");
    SignedIn.setUp(gateway, id, "email");
    WebClientSession api = gateway.client();
    HttpResponse<String> login = api.postRaw("/sekisho/api/login",
        new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    String token = new JsonObject(login.body()).getString("token");
    int mails = SignedIn.codeMails(Mailboxes.of(gateway), id + "@example.jp");
    assertThat(apiPost(token, "/sekisho/api/otp/email/send", new JsonObject()).statusCode()).isEqualTo(200);
    String code = SignedIn.mailedCode(Mailboxes.of(gateway), id + "@example.jp", mails);
    String wrong = code.equals("000000") ? "111111" : "000000";

    HttpResponse<String> refused = apiPost(token, "/sekisho/api/otp/verify", new JsonObject().put("code", wrong).put("method", "email"));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    HttpResponse<String> passed = apiPost(token, "/sekisho/api/otp/verify", new JsonObject().put("code", code).put("method", "email"));

    assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
    assertThat(new JsonObject(passed.body()).getString("token")).as("the session renewed under a new id").isNotEqualTo(token);
    assertThat(events(id, "otp.api.verify.email", "ok")).as("the pass's event, committed with the code's use").isEqualTo(1);
    // A refusal's event is written after the answer, as before.
    long deadline = System.currentTimeMillis() + 10_000;
    while (events(id, "otp.api.verify.email", "invalid") == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(events(id, "otp.api.verify.email", "invalid")).isEqualTo(1);
  }

  private static HttpResponse<String> apiPost(String token, String path, JsonObject body) {
    WebClientSession bare = gateway.client();
    return bare.send(bare.request(path).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  @Test
  void recoveryCodesOfThePagesShareAStatementAndEachUseIsTold() throws Exception {
    List<String> ids = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = gateway.admin().newMember("recpg");
      OtpFixtures.setState(id, "onboarded", "totp");
      @SuppressWarnings("unchecked")
      List<String> recovery = (List<String>) OtpFlowTest.setUpTotp(gateway.client(), id)[1];
      ids.add(id);
      codes.add(recovery.get(0));
    }
    List<WebClientSession> browsers = new ArrayList<>();
    for (String id : List.of(ids.get(0), ids.get(0), ids.get(1), ids.get(2))) {
      browsers.add(onPage(id, "/sekisho/verify/recovery"));
    }
    long[] before = batches("recovery");

    List<HttpResponse<String>> answers = postTogether("/sekisho/verify/recovery", browsers,
        List.of(codes.get(0), codes.get(0), codes.get(1), codes.get(2)));

    assertThat(List.of(answers.get(0).statusCode(), answers.get(1).statusCode())).containsExactlyInAnyOrder(303, 401);
    assertThat(answers.get(2).statusCode()).isEqualTo(303);
    assertThat(answers.get(3).statusCode()).isEqualTo(303);
    long[] after = batches("recovery");
    assertThat(after[0] - before[0]).as("statements").isEqualTo(2);
    assertThat(after[1] - before[1]).as("checks decided").isEqualTo(4);
    for (String id : ids) {
      Mailboxes.awaitSubject(id + "@example.jp", USED_NOTICE, Mailboxes.of(gateway));
    }
    for (String id : ids) {
      assertThat(Mailboxes.countSubject(id + "@example.jp", USED_NOTICE, Mailboxes.of(gateway))).as("one notice per code used").isEqualTo(1);
    }
  }
}
