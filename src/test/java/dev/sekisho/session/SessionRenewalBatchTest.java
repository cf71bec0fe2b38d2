package dev.sekisho.session;

import dev.sekisho.db.Pools;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session renewals that end second steps arriving together on one event loop share one
 * statement and commit (SessionRenewalBatch), and each is written exactly as alone: the row still
 * this sign-in's takes its new id and keeps its created_at; a row ended meanwhile, or replaced by a
 * new sign-in, is not revived.
 */
class SessionRenewalBatchTest {
  private static final int BATCH = 4;
  /** One event loop, batches of four with a long window: four renewals sent together are one batch. */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("http.instances", "1", "otp.batch.enabled", "true",
      "otp.batch.adaptive", "false", "otp.batch.windowMillis", "1000", "otp.batch.maxSize", String.valueOf(BATCH)));
  private static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void secondStepsPassedTogetherRenewTheirSessionsInOneStatement() throws Exception {
    List<WebClientSession> browsers = new ArrayList<>();
    List<SignedIn.Factor> factors = new ArrayList<>();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      String id = gateway.admin().newMember("renew");
      factors.add(SignedIn.setUp(gateway, id, "totp"));
      WebClientSession browser = gateway.client();
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      assertThat(browser.get("/sekisho/verify/totp").statusCode()).isEqualTo(200);
      browsers.add(browser);
      before.add(browser.cookie("sekisho.sid"));
    }
    long[] statementsBefore = batches("session-renewal");

    ExecutorService senders = Executors.newFixedThreadPool(BATCH);
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      WebClientSession browser = browsers.get(i);
      String code = factors.get(i).code();
      sent.add(CompletableFuture.supplyAsync(() -> browser.post("/sekisho/verify/totp", Map.of("code", code)), senders));
    }
    senders.shutdown();

    for (int i = 0; i < BATCH; i++) {
      HttpResponse<String> answer = sent.get(i).get(60, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(303);
      assertThat(answer.headers().firstValue("Location").orElse("")).doesNotContain("/sekisho/verify");
      WebClientSession browser = browsers.get(i);
      assertThat(browser.cookie("sekisho.sid")).as("a new session id").isNotEqualTo(before.get(i));
      assertThat(browser.get("/sekisho/home").statusCode()).as("signed in under the new id").isEqualTo(200);
      WebClientSession stale = gateway.client();
      stale.setCookie("sekisho.sid", before.get(i));
      assertThat(stale.get("/sekisho/home").statusCode()).as("the old id lets nobody in").isNotEqualTo(200);
    }
    long[] statementsAfter = batches("session-renewal");
    assertThat(statementsAfter[0] - statementsBefore[0]).as("statements").isEqualTo(1);
    assertThat(statementsAfter[1] - statementsBefore[1]).as("renewals written").isEqualTo(BATCH);
  }

  @Test
  void eachRowOfABatchIsWrittenOnlyWhileItIsStillItsSignIns() throws Exception {
    long member = ((Number) Sql.value("select id from member where login_id = ?", gateway.admin().newMember("renewrow"))).longValue();
    OffsetDateTime signedIn = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).truncatedTo(ChronoUnit.MICROS);
    byte[] live = PgSessionStore.idHash("live-" + System.nanoTime());
    byte[] ended = PgSessionStore.idHash("ended-" + System.nanoTime());
    byte[] otherSignIn = PgSessionStore.idHash("other-" + System.nanoTime());
    for (byte[] row : List.of(live, otherSignIn)) {
      Sql.update("insert into http_session (id_hash, member_id, data, created_at, expires_at) values (?, ?, ?, ?, now() + interval '1 hour')",
          row, member, new byte[] {1}, Arrays.equals(row, live) ? signedIn : signedIn.minusMinutes(1));
    }
    byte[][] renewed = {PgSessionStore.idHash("a-" + System.nanoTime()), PgSessionStore.idHash("b-" + System.nanoTime()),
        PgSessionStore.idHash("c-" + System.nanoTime())};

    Vertx vertx = Vertx.vertx();
    Pool pool = Pools.create(vertx, TestDatabase.target(), 2);
    try {
      List<OffsetDateTime> written = new SessionRenewalBatch(pool, PgSessionStore.REPLACE).all(List.of(
              renewal(renewed[0], member, signedIn, live),
              renewal(renewed[1], member, signedIn, ended),        // logged out while its request ran
              renewal(renewed[2], member, signedIn, otherSignIn)))  // a later sign-in took the row
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(written.get(0).toInstant()).as("the live row, its created_at kept").isEqualTo(signedIn.toInstant());
      assertThat(written.subList(1, 3)).containsOnlyNulls();
      assertThat(Sql.count("select count(*) from http_session where id_hash = ? and created_at = ? and data = ?",
          renewed[0], signedIn, new byte[] {2})).isOne();
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", live)).as("the old id gone").isZero();
      assertThat(Sql.count("select count(*) from http_session where id_hash in (?, ?)", renewed[1], renewed[2]))
          .as("nothing revived, nothing born").isZero();
      assertThat(Sql.count("select count(*) from http_session where id_hash = ? and data = ?", otherSignIn, new byte[] {1}))
          .as("the other sign-in's row untouched").isOne();
    } finally {
      pool.close();
      vertx.close();
    }
  }

  /** REPLACE's parameters: the new id's hash, member, data, idle timeout (s), created_at read, the old id's hash. */
  private static Tuple renewal(byte[] newHash, long member, OffsetDateTime createdAt, byte[] oldHash) {
    return Tuple.of(Buffer.buffer(newHash), member, Buffer.buffer(new byte[] {2}), 1800.0, createdAt, Buffer.buffer(oldHash));
  }

  /** [statements sent, rows they wrote] for the statement, from the gateway's batch-size summary. */
  private static long[] batches(String statement) throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new long[] {(long) metric(text, "sekisho_otp_check_batch_size_count", statement),
        (long) metric(text, "sekisho_otp_check_batch_size_sum", statement)};
  }

  private static double metric(String text, String name, String statement) {
    return text.lines().filter(l -> l.startsWith(name + "{") && l.contains("statement=\"" + statement + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
