package dev.sekisho.factor.batch;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of the JSON API's TOTP checks (GroupCommit, TotpApiBatch): checks that arrive together
 * on one event loop are decided by one statement, and each is decided exactly as alone. The gateways
 * here run one event loop and a batch of four with a long window, so four checks sent together are
 * one batch whatever the machine's speed (the fourth starts it); each test reads the batch sizes from
 * /metrics to show which batches the checks were in.
 */
class TotpApiBatchTest {
  private static final int BATCH = 4;
  private static final Map<String, String> BATCHING = Map.of("http.instances", "1", "otp.batch.enabled", "true",
      "otp.batch.adaptive", "false", "otp.batch.windowMillis", "1000", "otp.batch.maxSize", String.valueOf(BATCH));
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(BATCHING);
  @RegisterExtension
  static final GatewayExtension second = GatewayExtension.with(BATCHING);
  static final HttpClient http = HttpClient.newHttpClient();
  private static final AtomicInteger addresses = new AtomicInteger();
  /** Members with TOTP set up, reused: each test starts them with an unused step and no failures. */
  private static final List<Member> members = new ArrayList<>();

  private record Member(String id, byte[] key) {}

  /** A check to send: on which gateway, which session, which code. */
  private record Check(TestGateway on, String token, String code) {}

  @BeforeAll
  static void members() {
    AdminClient admin = gateway.admin();
    for (int i = 0; i < 8; i++) {
      String id = admin.newMember("batch");
      OtpFixtures.setState(id, "onboarded", "totp");
      members.add(new Member(id, (byte[]) OtpFlowTest.setUpTotp(gateway.client(), id)[0]));
    }
  }

  @BeforeEach
  void unusedSteps() {
    for (Member m : members) {
      Sql.update("update otp_totp set last_step = 0 where member_id = (select id from member where login_id = ?)", m.id());
      Sql.update("delete from login_throttle where subject = 'otp:' || (select id from member where login_id = ?)", m.id());
    }
  }

  private static String apiLogin(TestGateway on, Member m) {
    HttpResponse<String> login = on.client().postRaw("/sekisho/api/login",
        new JsonObject().put("userId", m.id()).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return new JsonObject(login.body()).getString("token");
  }

  private static Check good(TestGateway on, Member m) {
    return new Check(on, apiLogin(on, m), OtpFlowTest.code(m.key(), 0));
  }

  /** Sends the checks at once, each from its own client address; answers in the same order. */
  private static List<HttpResponse<String>> sendTogether(List<Check> checks) {
    List<CompletableFuture<HttpResponse<String>>> sent = checks.stream().map(c -> http.sendAsync(
        HttpRequest.newBuilder(URI.create(c.on().baseUrl() + "/sekisho/api/otp/verify"))
            .header("Authorization", "Bearer " + c.token()).header("Content-Type", "application/json")
            .header("X-Forwarded-For", "10.15.0." + (addresses.incrementAndGet() % 250 + 1))
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("code", c.code()).put("method", "totp").encode()))
            .build(), HttpResponse.BodyHandlers.ofString())).toList();
    return sent.stream().map(CompletableFuture::join).toList();
  }

  private static String errorCode(HttpResponse<String> answer) {
    return new JsonObject(answer.body()).getJsonObject("error").getString("code");
  }

  /** [statements sent, checks they decided] by the API's hot path on a gateway, from its batch-size summary. */
  private static long[] batches(TestGateway on) throws Exception {
    return batches(on, "totp-api");
  }

  private static long[] batches(TestGateway on, String statement) throws Exception {
    String text = metrics(on);
    return new long[] {(long) metric(text, "sekisho_otp_check_batch_size_count", statement),
        (long) metric(text, "sekisho_otp_check_batch_size_sum", statement)};
  }

  private static String metrics(TestGateway on) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(on.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A series' value summed over the lines whose one tag has the value (statement or path). */
  private static double metric(String text, String name, String tagValue) {
    return text.lines().filter(l -> l.startsWith(name + "{") && l.contains("=\"" + tagValue + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long passedChecks(Member m) {
    return Sql.count("select count(*) from audit_event where login_id = ? and kind = 'otp.api.verify.totp' and outcome = 'ok'", m.id());
  }

  private static long failures(Member m) {
    Object failures = Sql.value("select failures from login_throttle where subject = 'otp:' || (select id from member where login_id = ?)", m.id());
    return failures == null ? 0 : ((Number) failures).longValue();
  }

  private static long lastStep(Member m) {
    return ((Number) Sql.value("select last_step from otp_totp where member_id = (select id from member where login_id = ?)", m.id()))
        .longValue();
  }

  @Test
  void checksArrivingTogetherShareOneStatementAndEachPassesAsAlone() throws Exception {
    List<Check> checks = new ArrayList<>();
    List<Long> before = new ArrayList<>();
    for (Member m : members.subList(0, BATCH)) {
      checks.add(good(gateway, m));
      before.add(passedChecks(m));
    }
    long[] batchesBefore = batches(gateway);

    List<HttpResponse<String>> answers = sendTogether(checks);

    for (int i = 0; i < BATCH; i++) {
      assertThat(answers.get(i).statusCode()).as(answers.get(i).body()).isEqualTo(200);
      String renewed = new JsonObject(answers.get(i).body()).getString("token");
      assertThat(renewed).isNotEqualTo(checks.get(i).token());
      assertThat(passedChecks(members.get(i))).isEqualTo(before.get(i) + 1);
      assertThat(Sql.count("select count(*) from member_method mm join member m on m.id = mm.member_id "
          + "where m.login_id = ? and mm.method = 'totp' and mm.last_used_at > now() - interval '1 minute'", members.get(i).id())).isEqualTo(1);
      // The renewed session keeps its sign-in's browser and address (the member's list of sessions shows them).
      assertThat(Sql.query("select user_agent, client_address from http_session where id_hash = ?",
          dev.sekisho.session.PgSessionStore.idHash(renewed)).get(0)).doesNotContainValue(null);
    }
    long[] batchesAfter = batches(gateway);
    assertThat(batchesAfter[0] - batchesBefore[0]).as("statements").isEqualTo(1);
    assertThat(batchesAfter[1] - batchesBefore[1]).as("checks decided").isEqualTo(BATCH);
    // The old ids are gone: renewed, as by a check alone.
    List<HttpResponse<String>> again = sendTogether(List.of(checks.get(0)));
    assertThat(errorCode(again.get(0))).isEqualTo("no_session");
  }

  @Test
  void coldChecksOfSessionsFromAnotherProcessShareOneStatementToo() throws Exception {
    // Signed in on the first gateway, checked on the second: it reads session and key first (cold).
    List<Check> checks = members.subList(0, BATCH).stream()
        .map(m -> new Check(second, apiLogin(gateway, m), OtpFlowTest.code(m.key(), 0))).toList();
    long[] batchesBefore = batches(second);
    double coldBefore = metric(metrics(second), "sekisho_otp_api_check_path_total", "cold");

    List<HttpResponse<String>> answers = sendTogether(checks);

    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    long[] batchesAfter = batches(second);
    assertThat(batchesAfter[0] - batchesBefore[0]).as("statements").isEqualTo(1);
    assertThat(batchesAfter[1] - batchesBefore[1]).as("checks decided").isEqualTo(BATCH);
    assertThat(metric(metrics(second), "sekisho_otp_api_check_path_total", "cold") - coldBefore).isEqualTo(BATCH);
  }

  @Test
  void twoChecksOfOneMemberNeverShareABatchAndOneCodePassesOnce() throws Exception {
    Member racing = members.get(0);
    long before = passedChecks(racing);
    List<Check> checks = List.of(good(gateway, racing), good(gateway, racing), good(gateway, members.get(1)), good(gateway, members.get(2)));
    long[] batchesBefore = batches(gateway);

    List<HttpResponse<String>> answers = sendTogether(checks);

    assertThat(List.of(answers.get(0).statusCode(), answers.get(1).statusCode())).containsExactlyInAnyOrder(200, 401);
    assertThat(answers.get(2).statusCode()).isEqualTo(200);
    assertThat(answers.get(3).statusCode()).isEqualTo(200);
    assertThat(passedChecks(racing)).isEqualTo(before + 1);
    long[] batchesAfter = batches(gateway);
    // One batch of three, and the member's second check alone, a window later.
    assertThat(batchesAfter[0] - batchesBefore[0]).as("statements").isEqualTo(2);
    assertThat(batchesAfter[1] - batchesBefore[1]).as("checks decided").isEqualTo(BATCH);
  }

  @Test
  void aCodeUsedInOneBatchIsRefusedInTheNext() {
    Member replayed = members.get(0);
    List<Check> first = members.subList(0, BATCH).stream().map(m -> good(gateway, m)).toList();
    assertThat(sendTogether(first)).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    long before = passedChecks(replayed);

    List<Check> next = new ArrayList<>(List.of(good(gateway, replayed)));
    // The others with their next code: unused, so they pass in the same batch as the replay.
    members.subList(1, BATCH).forEach(m -> next.add(new Check(gateway, apiLogin(gateway, m), OtpFlowTest.code(m.key(), 1))));
    List<HttpResponse<String>> answers = sendTogether(next);

    assertThat(answers.get(0).statusCode()).isEqualTo(401);
    assertThat(errorCode(answers.get(0))).isEqualTo("invalid");
    assertThat(answers.subList(1, BATCH)).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    assertThat(passedChecks(replayed)).isEqualTo(before);
    assertThat(failures(replayed)).isEqualTo(1);
  }

  @Test
  void oneCodeRacedInBatchesOfTwoProcessesPassesOnce() throws Exception {
    Member racing = members.get(0);
    long before = passedChecks(racing);
    List<Check> checks = new ArrayList<>();
    checks.add(good(gateway, racing));
    checks.add(good(second, racing));
    members.subList(1, BATCH).forEach(m -> checks.add(good(gateway, m)));
    members.subList(BATCH, 2 * BATCH - 1).forEach(m -> checks.add(good(second, m)));
    long[] firstBefore = batches(gateway);
    long[] secondBefore = batches(second);

    List<HttpResponse<String>> answers = sendTogether(checks);

    assertThat(List.of(answers.get(0).statusCode(), answers.get(1).statusCode())).containsExactlyInAnyOrder(200, 401);
    assertThat(answers.subList(2, checks.size())).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    assertThat(passedChecks(racing)).isEqualTo(before + 1);
    // Each process decided its four in one statement.
    assertThat(batches(gateway)[0] - firstBefore[0]).isEqualTo(1);
    assertThat(batches(second)[0] - secondBefore[0]).isEqualTo(1);
  }

  @Test
  void aBatchMixingRefusalsRefusesEachAsAloneAndPassesTheRest() throws Exception {
    Member replayed = members.get(0);
    Member locked = members.get(1);
    Member ended = members.get(2);
    Member good = members.get(3);
    Check replay = good(gateway, replayed);
    // The code's step is already used: the batch refuses it by last_step, not before.
    long usedStep = System.currentTimeMillis() / 1000 / 30 + 1;
    Sql.update("update otp_totp set last_step = ? where member_id = (select id from member where login_id = ?)", usedStep, replayed.id());
    Check lockedCheck = good(gateway, locked);
    for (int i = 0; i < 5; i++) {
      sendTogether(List.of(new Check(gateway, lockedCheck.token(), "00000" + i)));
    }
    Check endedCheck = good(gateway, ended);
    assertThat(gateway.admin().call("POST", "/members/" + ended.id() + "/sessions/end", "{}", "application/json").statusCode())
        .isEqualTo(200);
    long endedStep = lastStep(ended);
    long lockedStep = lastStep(locked);
    long[] batchesBefore = batches(gateway);

    List<HttpResponse<String>> answers = sendTogether(List.of(replay, lockedCheck, endedCheck, good(gateway, good)));

    assertThat(batches(gateway)[0] - batchesBefore[0]).as("statements").isEqualTo(1);
    assertThat(answers.get(0).statusCode()).isEqualTo(401);
    assertThat(errorCode(answers.get(0))).isEqualTo("invalid");
    assertThat(failures(replayed)).isEqualTo(1);
    assertThat(answers.get(1).statusCode()).isEqualTo(429);
    assertThat(errorCode(answers.get(1))).isEqualTo("locked");
    assertThat(lastStep(locked)).isEqualTo(lockedStep);
    assertThat(answers.get(2).statusCode()).isEqualTo(401);
    assertThat(errorCode(answers.get(2))).isEqualTo("no_session");
    assertThat(lastStep(ended)).isEqualTo(endedStep);
    assertThat(answers.get(3).statusCode()).as(answers.get(3).body()).isEqualTo(200);
  }

  @Test
  void aBatchThatFailsAsAWholeIsDecidedCheckByCheck() throws Exception {
    // A real error of the batch statement: PostgreSQL refuses more than one check's audit event in one statement.
    try (BatchRefusal refusal = BatchRefusal.install(sql -> Sql.update(sql), "insert", "audit_event", "kind = 'otp.api.verify.totp'")) {
      List<Check> checks = members.subList(0, BATCH).stream().map(m -> good(gateway, m)).toList();
      List<Long> before = members.subList(0, BATCH).stream().map(TotpApiBatchTest::passedChecks).toList();
      long[] batchesBefore = batches(gateway);

      List<HttpResponse<String>> answers = sendTogether(checks);

      assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
      for (int i = 0; i < BATCH; i++) {
        assertThat(passedChecks(members.get(i))).isEqualTo(before.get(i) + 1);
      }
      assertThat(batches(gateway)[0] - batchesBefore[0]).as("the batch, tried once").isEqualTo(1);
    }
  }

  @Test
  void thePagesChecksShareAStatementTooAndEachIsDecidedAsAlone() throws Exception {
    Member racing = members.get(0);
    Member wrong = members.get(1);
    Member good = members.get(2);
    List<WebClientSession> browsers = new ArrayList<>();
    for (Member m : List.of(racing, racing, wrong, good)) {
      WebClientSession browser = gateway.client();
      browser.login(m.id(), AdminClient.RULE_PASSWORD);
      browser.get("/sekisho/verify/totp");
      browsers.add(browser);
    }
    String racedCode = OtpFlowTest.code(racing.key(), 0);
    List<String> codes = List.of(racedCode, racedCode, wrongCode(wrong), OtpFlowTest.code(good.key(), 0));
    long[] batchesBefore = batches(gateway, "totp");
    ExecutorService senders = Executors.newFixedThreadPool(browsers.size());
    List<HttpResponse<String>> answers;
    try {
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < browsers.size(); i++) {
        WebClientSession browser = browsers.get(i);
        String code = codes.get(i);
        sent.add(CompletableFuture.supplyAsync(() -> browser.post("/sekisho/verify/totp", Map.of("code", code)), senders));
      }
      answers = sent.stream().map(CompletableFuture::join).toList();
    } finally {
      senders.shutdown();
    }

    assertThat(List.of(answers.get(0).statusCode(), answers.get(1).statusCode())).containsExactlyInAnyOrder(303, 401);
    assertThat(answers.get(2).statusCode()).isEqualTo(401);
    assertThat(failures(wrong)).isEqualTo(1);
    assertThat(answers.get(3).statusCode()).isEqualTo(303);
    long[] batchesAfter = batches(gateway, "totp");
    // The three members in one statement; the racing member's second check alone, a window later.
    assertThat(batchesAfter[0] - batchesBefore[0]).as("statements").isEqualTo(2);
    assertThat(batchesAfter[1] - batchesBefore[1]).as("checks decided").isEqualTo(BATCH);
  }

  /** Six digits that are none of the member's codes within the skew. */
  private static String wrongCode(Member m) {
    List<String> valid = List.of(OtpFlowTest.code(m.key(), -1), OtpFlowTest.code(m.key(), 0), OtpFlowTest.code(m.key(), 1),
        OtpFlowTest.code(m.key(), 2));
    for (int n = 0; ; n++) {
      String candidate = String.format("%06d", n);
      if (!valid.contains(candidate)) {
        return candidate;
      }
    }
  }
}
