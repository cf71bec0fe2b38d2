package dev.sekisho.session;

import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ended session never comes back (issue 12, item 1). A proxied request that was in flight when
 * the member logged out, or the insurer ended the member's sessions, must not write the session
 * back when its answer goes out: today's upsert re-created the deleted row, with a fresh
 * created_at. The request is a slow upload through the real proxy over a raw socket, to a portal
 * of the test's own that says when the gateway has let the request through.
 */
class EndedSessionTest {
  static Vertx vertx;
  static HttpServer portal;
  static volatile CompletableFuture<Void> arrived = new CompletableFuture<>();
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    portal = vertx.createHttpServer().requestHandler(request -> {
      arrived.complete(null);
      request.endHandler(v -> request.response().end("received"));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    gateway = TestGateway.start(Map.of("gateway.upstreams", "/=http://127.0.0.1:" + portal.actualPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void logoutDuringASlowUploadStaysLoggedOut() throws Exception {
    endedDuringUpload((id, browser) -> {
      browser.get("/sekisho/logout");
      assertThat(browser.post("/sekisho/logout", Map.of()).statusCode()).isEqualTo(303);
    });
  }

  @Test
  void sessionsEndedByTheInsurerDuringASlowUploadStayEnded() throws Exception {
    endedDuringUpload((id, browser) -> assertThat(gateway.admin().call("POST", "/members/" + id + "/sessions/end", "{}",
        "application/json").statusCode()).isEqualTo(200));
  }

  @Test
  void aPasswordResetDuringASlowUploadEndsTheSessionForGood() throws Exception {
    endedDuringUpload((id, browser) -> assertThat(gateway.admin().call("POST", "/members/" + id + "/password", "{}",
        "application/json").statusCode()).isEqualTo(200));
  }

  @Test
  void aFactorResetDuringASlowUploadEndsTheSessionForGood() throws Exception {
    endedDuringUpload((id, browser) -> assertThat(gateway.admin().call("POST", "/members/" + id + "/factors/reset", "{}",
        "application/json").statusCode()).isEqualTo(200));
  }

  @Test
  void anOnboardingResetDuringASlowUploadEndsTheSessionForGood() throws Exception {
    endedDuringUpload((id, browser) -> assertThat(gateway.admin().call("POST", "/members/" + id + "/onboarding/reset", "{}",
        "application/json").statusCode()).isEqualTo(200));
  }

  @Test
  void theAbsoluteLimitCountsFromTheSignInThroughEveryStepAndWriteBack() throws Exception {
    WebClientSession browser = gateway.client();
    String id = gateway.admin().newMember("abs");
    SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
    assertThat(browser.login(id, dev.sekisho.testing.AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    byte[] atPassword = sha256(browser.cookie("sekisho.sid"));
    // Signed in an hour ago, so a row re-created now would show.
    assertThat(Sql.update("update http_session set created_at = created_at - interval '1 hour' where id_hash = ?", atPassword))
        .isEqualTo(1);
    Object signedInAt = Sql.value("select created_at from http_session where id_hash = ?", atPassword);
    assertThat(totp.pass(browser).statusCode()).isEqualTo(303);
    byte[] complete = sha256(browser.cookie("sekisho.sid"));
    assertThat(complete).isNotEqualTo(atPassword);
    assertThat(Sql.value("select created_at from http_session where id_hash = ?", complete)).as("second step")
        .isEqualTo(signedInAt);
    idleForAWhile(complete);
    Object before = Sql.value("select expires_at from http_session where id_hash = ?", complete);
    assertThat(browser.get("/anything").statusCode()).isEqualTo(200);
    for (int i = 0; i < 100 && before.equals(Sql.value("select expires_at from http_session where id_hash = ?", complete)); i++) {
      Thread.sleep(50);
    }
    assertThat(Sql.value("select expires_at from http_session where id_hash = ?", complete)).as("written back").isNotEqualTo(before);
    assertThat(Sql.value("select created_at from http_session where id_hash = ?", complete)).as("write-back")
        .isEqualTo(signedInAt);
  }

  private void endedDuringUpload(BiConsumer<String, WebClientSession> end) throws Exception {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    String sid = browser.cookie("sekisho.sid");
    byte[] key = sha256(sid);
    assertThat(Sql.count("select count(*) from http_session where id_hash = ?", key)).isEqualTo(1);
    idleForAWhile(key);
    arrived = new CompletableFuture<>();
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /upload HTTP/1.1\r\nHost: localhost:" + gateway.port() + "\r\nCookie: sekisho.sid=" + sid
          + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[10]);
      out.flush();
      // The gateway read the session and let the request through: the portal has its headers.
      arrived.get(30, TimeUnit.SECONDS);
      end.accept(id, browser);
      // A logout deletes the row as its answer goes out: wait for it.
      for (int i = 0; i < 100 && Sql.count("select count(*) from http_session where id_hash = ?", key) > 0; i++) {
        Thread.sleep(50);
      }
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", key)).as("ended").isZero();
      out.write(new byte[990]);
      out.flush();
      assertThat(statusLine(socket.getInputStream())).contains(" 200 ");
    }
    // The write-back runs as the answer's headers go out; give a revival every chance to land.
    for (int i = 0; i < 20; i++) {
      assertThat(Sql.count("select count(*) from http_session where id_hash = ?", key)).as("session came back").isZero();
      Thread.sleep(100);
    }
    WebClientSession stale = gateway.client();
    stale.setCookie("sekisho.sid", sid);
    assertThat(stale.get("/anything").statusCode()).as("the ended cookie reaches the portal").isNotEqualTo(200);
  }

  /** Moves the session's last access 10 minutes back (past a tenth of the idle timeout), so its write-back is due. */
  static void idleForAWhile(byte[] key) {
    // Stored format (PgSession): int id length (0), long timeout, long lastAccessed, ...
    assertThat(Sql.update("update http_session set data = overlay(data placing "
        + "int8send((extract(epoch from now()) * 1000)::bigint - 600000) from 13 for 8) where id_hash = ?", key)).isEqualTo(1);
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.write(c);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  static byte[] sha256(String id) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
  }
}
