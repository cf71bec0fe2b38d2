package dev.sekisho.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request id per request: a trusted proxy's X-Request-Id or a new one, answered to the client,
 * passed to the portal, and on the request's log lines, also when logged from the callbacks of
 * concurrent requests sharing an event loop; in both log formats.
 */
class RequestIdTest {
  static TestGateway gateway;
  static ListAppender<ILoggingEvent> access;

  @BeforeAll
  static void start() {
    access = new ListAppender<>();
    access.start();
    ((Logger) LoggerFactory.getLogger("sekisho.access")).addAppender(access);
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    ((Logger) LoggerFactory.getLogger("sekisho.access")).detachAppender(access);
  }

  @Test
  void aTrustedProxysIdReachesThePortalAndTheLogLineAndABadOneIsReplaced() {
    {  // signed in with a real second factor (testing/SignedIn)
      WebClientSession browser = gateway.client();
      SignedIn.member(gateway, browser, "totp");
      HttpResponse<String> portal = browser.send(browser.request("/demo/headers").header("X-Request-Id", "edge-7f3a.42").build());
      assertThat(portal.statusCode()).isEqualTo(200);
      assertThat(portal.headers().firstValue("X-Request-Id")).hasValue("edge-7f3a.42");
      assertThat(new JsonObject(portal.body()).getJsonObject("headers").getString("x-request-id")).isEqualTo("edge-7f3a.42");
      assertThat(accessLine("edge-7f3a.42").getFormattedMessage()).contains("path=/demo/headers");

      // Not a sound id (spaces, quotes: a forged log line): a new one instead.
      HttpResponse<String> forged = browser.send(browser.request("/demo/headers").header("X-Request-Id", "a\" level=ERROR").build());
      String made = forged.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(made).matches("[0-9a-f]{24}");
      assertThat(new JsonObject(forged.body()).getJsonObject("headers").getString("x-request-id")).isEqualTo(made);
    }
  }

  @Test
  void concurrentLoginsEachLogUnderTheirOwnIdInBothFormats() {
    String id = gateway.admin().newMember("rid");
    List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // Each login waits on the database and on the hashing pool: its access line is written from a callback.
      WebClientSession browser = gateway.client();
      browser.get("/sekisho/login");
      String password = i % 2 == 0 ? AdminClient.RULE_PASSWORD : "wrong-" + i;
      logins.add(CompletableFuture.supplyAsync(() -> browser.post("/sekisho/login", Map.of("user_id", id, "password", password))));
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (CompletableFuture<HttpResponse<String>> login : logins) {
      String requestId = login.join().headers().firstValue("X-Request-Id").orElseThrow();
      ILoggingEvent line = accessLine(requestId);
      assertThat(line.getFormattedMessage()).contains("path=/sekisho/login").contains("method=POST");
      String text = new String(LogFormat.TEXT.encoder(context).encode(line), StandardCharsets.UTF_8);
      assertThat(text).contains(" request=" + requestId + " method=POST");
      JsonObject json = new JsonObject(new String(LogFormat.JSON.encoder(context).encode(line), StandardCharsets.UTF_8));
      assertThat(json.getJsonObject("mdc").getString("requestId")).isEqualTo(requestId);
      assertThat(json.getString("formattedMessage")).contains("path=/sekisho/login");
      assertThat(json.fieldNames()).doesNotContain("arguments", "message");
    }
  }

  @Test
  void anUntrustedClientsIdIsNotTaken() {
    try (TestGateway direct = TestGateway.start(Map.of("http.trustedProxies", ""))) {
      HttpResponse<String> page = new WebClientSession(direct.baseUrl())
          .send(new WebClientSession(direct.baseUrl()).request("/sekisho/login").header("X-Request-Id", "client-chosen").build());
      assertThat(page.headers().firstValue("X-Request-Id")).isPresent().get().isNotEqualTo("client-chosen");
    }
  }

  /** The access line logged under the id (the end handler may run just after the answer reached the client). */
  private static ILoggingEvent accessLine(String requestId) {
    for (int tries = 0; tries < 200; tries++) {
      for (ILoggingEvent event : List.copyOf(access.list)) {
        if (requestId.equals(event.getMDCPropertyMap().get(RequestIds.MDC_KEY))) {
          return event;
        }
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("no access line under request id " + requestId + " among " + access.list.size());
  }
}
