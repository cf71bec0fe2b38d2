package dev.sekisho.gateway;

import dev.sekisho.testing.JourneyFinisher;
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
  static Vertx vertx;
  static HttpServer slow;
  static TestGateway gateway;
  static JourneyFinisher finisher;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    slow = vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/slow/hang" -> { } // never answers
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
    finisher = new JourneyFinisher();
  }

  @AfterAll
  static void stop() throws Exception {
    finisher.close();
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void upstreamDownGivesA502Page() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, finisher, browser, "totp");
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
    SignedIn.member(gateway, finisher, browser, "totp");
    HttpResponse<String> slowAnswer = browser.get("/slow/hang");
    assertThat(slowAnswer.statusCode()).isEqualTo(504);
    assertThat(slowAnswer.body()).contains("ポータルからの応答がありません");
  }

  @Test
  void prefixesChooseTheUpstreamAndItCannotSetGatewayCookies() {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, finisher, browser, "totp");
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
}
