package dev.sekisho.gateway;

import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several upstreams by prefix, one that never answers and one that is not there: the member gets
 * a clear 504 or 502 page from the gateway rather than a hang, and an upstream cannot set the
 * gateway's cookies.
 */
class UpstreamFailureTest {
  static final java.util.concurrent.CountDownLatch FIRST_BYTES_ARRIVED = new java.util.concurrent.CountDownLatch(1);
  static Vertx vertx;
  static HttpServer slow;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    slow = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/slow/hang" -> { } // never answers
        case "/slow/upload" -> {
          long[] count = {0};
          request.handler(chunk -> {
            count[0] += chunk.length();
            FIRST_BYTES_ARRIVED.countDown();
          });
          request.endHandler(v -> request.response().end(String.valueOf(count[0])));
        }
        case "/slow/cookie" -> request.response()
            .putHeader("Set-Cookie", "sekisho.sid=planted; Path=/")
            .putHeader("Content-Type", "text/plain").addCookie(io.vertx.core.http.Cookie.cookie("portal", "1"))
            .end("cookie page");
        default -> request.response().end("slow upstream " + request.path());
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    int closedPort = TestGateway.freePort();
    gateway = TestGateway.start(Map.of(
        "gateway.upstreams", "/slow=http://127.0.0.1:" + slow.actualPort() + ",/=http://127.0.0.1:" + closedPort,
        "gateway.demoUpstream.enabled", "false",
        "gateway.connectTimeoutMs", "1000",
        "gateway.responseTimeoutMs", "500"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void upstreamDownGivesA502Page() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    HttpResponse<String> down = browser.get("/anything");
    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(down.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(down.body()).contains("ただいまポータルに接続できません");
    HttpResponse<String> english = browser.get("/anything?lang=en");
    assertThat(english.body()).contains("The portal cannot be reached right now");
  }

  @Test
  void upstreamTooSlowGivesA504Page() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    HttpResponse<String> slowAnswer = browser.get("/slow/hang");
    assertThat(slowAnswer.statusCode()).isEqualTo(504);
    assertThat(slowAnswer.body()).contains("ポータルからの応答がありません");
  }

  @Test
  void prefixesChooseTheUpstreamAndItCannotSetGatewayCookies() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    String session = browser.cookie("sekisho.sid");
    HttpResponse<String> page = browser.get("/slow/page");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("slow upstream /slow/page");
    HttpResponse<String> cookiePage = browser.get("/slow/cookie");
    assertThat(cookiePage.statusCode()).isEqualTo(200);
    assertThat(cookiePage.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("sekisho.sid=planted"))
        .anyMatch(c -> c.startsWith("portal=1"));
    assertThat(browser.cookie("sekisho.sid")).isEqualTo(session);
  }

  /**
   * The response timeout counts from the end of the request: an upload that takes longer than
   * the timeout (here: held open three times as long) still reaches the portal and is answered.
   */
  @Test
  void slowUploadIsNotCutByTheResponseTimeout() throws Exception {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /slow/upload HTTP/1.1\r\nHost: localhost\r\nCookie: sekisho.sid=" + browser.cookie("sekisho.sid")
          + "\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n5\r\nhello\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      assertThat(FIRST_BYTES_ARRIVED.await(30, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(1500); // longer than gateway.responseTimeoutMs (500): the upload is still going
      out.write("6\r\n world\r\n0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      // The connection closes after the answer: its last line is the body.
      String last = null;
      for (String line; (line = in.readLine()) != null; ) {
        last = line;
      }
      assertThat(last).isEqualTo("11");
    }
  }
}
