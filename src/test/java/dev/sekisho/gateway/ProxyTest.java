package dev.sekisho.gateway;

import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.LogCapture;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The reverse proxy in front of the demo upstream: identity headers, cookies, streaming, WebSocket, return-to. */
class ProxyTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();

  /**
   * A member's upload that breaks off in broken chunked framing makes the gateway reset the portal
   * request it was streaming into: the member's own doing, logged as one INFO line. Vert.x logged it
   * as an ERROR (no handler on the portal request), one per broken request, for any member to produce.
   */
  @Test
  void aMembersBrokenChunkedUploadIsNoErrorInTheLog() throws Exception {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    try (LogCapture log = LogCapture.all()) {
      for (String body : new String[] {"zz\r\n", "5\r\nabcde\r\nzz\r\n", "3\r\nabcd\r\n0\r\n\r\n"}) {
        for (String path : new String[] {"/demo/upload", "/demo/headers"}) {
          try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + gateway.port()
                + "\r\nCookie: sekisho.sid=" + browser.cookie("sekisho.sid")
                + "\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // The connection closes after the codec's refusal: no answer, or never a server error.
            if (!answer.isEmpty()) {
              assertThat(Integer.parseInt(answer.substring(9, 12))).as(path + ": " + answer).isLessThan(500);
            }
          }
        }
      }
      Thread.sleep(500);  // the portal requests' resets come after the member's connection closed
      assertThat(log.atLeast(ch.qos.logback.classic.Level.ERROR)).isEmpty();
    }
  }

  @Test
  void identityHeadersAreSetAndSpoofedOnesStripped() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    browser.setCookie("portal_pref", "blue");
    browser.get("/sekisho/login?lang=en"); // sets sekisho.lang too
    HttpResponse<String> response = browser.send(browser.request("/demo/headers")
        .header("X-Sekisho-User", "admin").header("x-sekisho-name", "%E5%81%BD").header("X-Sekisho-Email", "evil@example")
        .header("X-SEKISHO-METHOD", "none").header("X-Sekisho-Session", "forged").header("X-Sekisho-Extra", "1")
        .header("X-Forwarded-Proto", "gopher").header("Forwarded", "for=1.2.3.4").GET().build());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getString("x-sekisho-user")).isEqualTo(id);
    assertThat(URLDecoder.decode(headers.getString("x-sekisho-name"), StandardCharsets.UTF_8)).isEqualTo("テスト 花子");
    assertThat(headers.getString("x-sekisho-email")).isEqualTo(id + "@example.jp");
    assertThat(headers.getString("x-sekisho-method")).isEqualTo("totp");
    assertThat(headers.getString("x-sekisho-session")).matches("[0-9a-f]{32}");
    assertThat(headers.containsKey("x-sekisho-extra")).isFalse();
    assertThat(headers.containsKey("forwarded")).isFalse();
    assertThat(headers.getString("x-forwarded-proto")).isEqualTo("http");
    assertThat(headers.getString("x-forwarded-host")).isEqualTo("localhost:" + gateway.port());
    // The test client is behind a trusted proxy (127.0.0.1): its X-Forwarded-For is kept, the hop appended.
    assertThat(headers.getString("x-forwarded-for")).isEqualTo(browser.clientAddress() + ", 127.0.0.1");
    String cookie = headers.getString("cookie");
    assertThat(cookie).contains("portal_pref=blue").doesNotContain("sekisho.sid").doesNotContain("sekisho.lang");
    assertThat(headers.getString("host")).isEqualTo("127.0.0.1:" + demoPort());
    // The portal's own page policy applies to its pages, not the gateway's.
    assertThat(response.headers().firstValue("Content-Security-Policy")).isEmpty();
  }

  @Test
  void topPageShowsTheMemberInJapaneseAndEnglish() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "email");
    HttpResponse<String> top = browser.get("/");
    assertThat(top.statusCode()).isEqualTo(200);
    assertThat(top.body()).contains("トップページ").contains("Top page").contains(id).contains("テスト 花子")
        .contains("<td id=\"method\">email</td>");
  }

  @Test
  void anonymousVisitorIsSentToLoginAndBroughtBackToThePageAskedFor() {
    WebClientSession browser = gateway.client();
    HttpResponse<String> first = browser.get("/members/claims?year=2026&sort=desc");
    assertThat(first.statusCode()).isEqualTo(303);
    assertThat(first.headers().firstValue("Location")).contains("/sekisho/login");
    // The login page's favicon must not replace the page remembered.
    browser.send(browser.request("/favicon.ico").header("Sec-Fetch-Dest", "image").GET().build());
    String id = gateway.admin().newMember("ret");
    HttpResponse<String> finished = SignedIn.complete(gateway, browser, id, "totp");
    assertThat(finished.headers().firstValue("Location")).contains("/members/claims?year=2026&sort=desc");
    HttpResponse<String> page = browser.get("/members/claims?year=2026&sort=desc");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("/members/claims?year=2026&amp;sort=desc");
  }

  @Test
  void memberAtPasswordLevelIsSentToTheSecondFactor() {
    WebClientSession browser = gateway.client();
    String id = gateway.admin().newMember("half");
    dev.sekisho.testing.Sql.memberSetUp(id, "totp");
    browser.login(id, dev.sekisho.testing.AdminClient.RULE_PASSWORD);
    HttpResponse<String> portal = browser.get("/");
    assertThat(portal.statusCode()).isEqualTo(303);
    assertThat(portal.headers().firstValue("Location")).contains("/sekisho/verify");
  }

  @Test
  void openRedirectAttemptsAreRefused() {
    for (String evil : new String[] {"//evil.example/x", "/\\evil.example", "http://evil.example/", "https:evil.example",
        "/\tevil", "/sekisho/admin/api/locks"}) {
      assertThat(dev.sekisho.journey.Journey.isSafeReturnTo(evil)).as(evil).isFalse();
      WebClientSession browser = gateway.client();
      HttpResponse<String> start = browser.get("/sekisho/auth/start?rd=" + java.net.URLEncoder.encode(evil, StandardCharsets.UTF_8));
      assertThat(start.statusCode()).isEqualTo(303);
      String id = gateway.admin().newMember("evil");
      HttpResponse<String> finished = SignedIn.complete(gateway, browser, id, "totp");
      assertThat(finished.headers().firstValue("Location")).as(evil).contains("/");
    }
    // A protocol-relative request target is not remembered either.
    WebClientSession browser = gateway.client();
    HttpResponse<String> first = browser.get("//evil.example/");
    assertThat(first.statusCode()).isEqualTo(303);
    String id = gateway.admin().newMember("evil2");
    assertThat(SignedIn.complete(gateway, browser, id, "totp").headers().firstValue("Location")).contains("/");
  }

  @Test
  void largeBodiesStreamBothWays() throws Exception {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    int size = 20 * 1024 * 1024; // twenty times the gateway's form body limit
    byte[] body = new byte[size];
    new java.util.Random(7).nextBytes(body);
    HttpResponse<String> upload = browser.postBytes("/demo/upload", body, "application/octet-stream");
    assertThat(upload.statusCode()).isEqualTo(200);
    JsonObject uploaded = new JsonObject(upload.body());
    assertThat(uploaded.getLong("bytes")).isEqualTo(size);
    assertThat(uploaded.getString("sha256")).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));

    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<InputStream> download = plain.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/demo/download?bytes=" + size))
        .header("Cookie", "sekisho.sid=" + browser.cookie("sekisho.sid")).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(download.statusCode()).isEqualTo(200);
    long received = 0;
    byte[] buffer = new byte[65536];
    try (InputStream in = download.body()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        received += n;
      }
    }
    assertThat(received).isEqualTo(size);
  }

  @Test
  void webSocketIsProxiedWithIdentityAndWithoutSpoofedHeaders() throws Exception {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "passkey");
    Vertx vertx = Vertx.vertx();
    LogCapture access = LogCapture.of("sekisho.access");
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(gateway.port())
          .setURI("/demo/ws").addHeader("Cookie", "sekisho.sid=" + browser.cookie("sekisho.sid") + "; portal=1")
          .addHeader("X-Sekisho-User", "admin").addHeader("x-sekisho-method", "none");
      // The handler is set on the event loop as the connection completes: the upstream greets at once.
      WebSocket socket = client.connect(options).onSuccess(ws -> ws.textMessageHandler(messages::add))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      JsonObject handshake = new JsonObject(messages.poll(30, TimeUnit.SECONDS));
      assertThat(handshake.getString("x-sekisho-user")).isEqualTo(id);
      assertThat(handshake.getString("x-sekisho-method")).isEqualTo("passkey");
      assertThat(handshake.getString("cookie")).isEqualTo("portal=1");
      socket.writeTextMessage("こんにちは、関所");
      assertThat(messages.poll(30, TimeUnit.SECONDS)).isEqualTo("こんにちは、関所");
      socket.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      // In the access log, once, as the 101 it was (a WebSocket's response never ends as HTTP ones do).
      assertThat(access.messages()).filteredOn(line -> line.contains("path=/demo/ws ")).singleElement().asString()
          .contains("status=101");

      // Without a complete session the upgrade is refused.
      CompletableFuture<Object> refused = new CompletableFuture<>();
      client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(gateway.port()).setURI("/demo/ws"))
          .onComplete(ar -> refused.complete(ar.succeeded() ? "connected" : ar.cause()));
      assertThat(refused.get(30, TimeUnit.SECONDS)).isNotEqualTo("connected");
    } finally {
      access.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Spellings that CGI/PHP, WSGI and Rack read as an identity header, and identity headers legacy apps trust. */
  static final String[] POSING = {"X_Sekisho_User: admin", "x_sekisho_user: admin", "X-Sekisho_User: admin",
      "X_SEKISHO_EMAIL: evil@example", "X-Forwarded-User: admin", "X-Remote-User: admin", "Remote-User: admin",
      "Remote_User: admin", "X-Forwarded-Email: evil@example", "X-Forwarded-Preferred-Username: admin",
      "X-Forwarded-Groups: admins", "X-Auth-Request-User: admin", "X_Auth_Request_Email: evil@example"};

  @Test
  void lookAlikeAndLegacyIdentityHeadersNeverReachThePortal() throws Exception {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    // Raw HTTP: the names go out exactly as written.
    StringBuilder request = new StringBuilder("GET /demo/headers HTTP/1.1\r\nHost: localhost:" + gateway.port()
        + "\r\nCookie: sekisho.sid=" + browser.cookie("sekisho.sid") + "\r\nConnection: close\r\n");
    for (String header : POSING) {
      request.append(header).append("\r\n");
    }
    String answer;
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(answer).startsWith("HTTP/1.1 200");
    JsonObject headers = new JsonObject(answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1)).getJsonObject("headers");
    assertOnlyTheGatewaysIdentity(headers.fieldNames(), headers::getString, id);
  }

  @Test
  void lookAlikeAndLegacyIdentityHeadersAreStrippedFromWebSocketUpgrades() throws Exception {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    Vertx vertx = Vertx.vertx();
    try {
      LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(gateway.port())
          .setURI("/demo/ws").addHeader("Cookie", "sekisho.sid=" + browser.cookie("sekisho.sid"));
      for (String header : POSING) {
        options.addHeader(header.substring(0, header.indexOf(':')), header.substring(header.indexOf(':') + 2));
      }
      connectRetryingAClosedHandshakeOnce(vertx, options, messages);
      JsonObject handshake = new JsonObject(messages.poll(30, TimeUnit.SECONDS));
      assertOnlyTheGatewaysIdentity(handshake.fieldNames(), handshake::getString, id);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Opens the WebSocket; a handshake whose connection closes before any answer is tried once more.
   * In one full suite of many (a fresh clone, 2026-12-02) the first handshake's connection closed
   * within a millisecond, before the gateway had answered anything (access log: status 200, 0 ms, 0
   * bytes), and was not reproduced in isolation or in that order again. This test is about which
   * headers reach the portal, so it reads them from the handshake that goes through: a browser's
   * WebSocket client reconnects the same way.
   */
  private static void connectRetryingAClosedHandshakeOnce(Vertx vertx, WebSocketConnectOptions options,
                                                          LinkedBlockingQueue<String> messages) throws Exception {
    try {
      vertx.createWebSocketClient().connect(options).onSuccess(ws -> ws.textMessageHandler(messages::add))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof io.netty.handler.codec.http.websocketx.WebSocketHandshakeException)
          || !String.valueOf(e.getCause().getMessage()).contains("Connection closed while handshake")) {
        throw e;
      }
      vertx.createWebSocketClient().connect(options).onSuccess(ws -> ws.textMessageHandler(messages::add))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Read with {@code _} and {@code -} alike, the portal sees one user and one email: the gateway's; no legacy identity at all. */
  private static void assertOnlyTheGatewaysIdentity(java.util.Set<String> names, java.util.function.Function<String, String> value,
                                                    String id) {
    java.util.List<String> folded = names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
    assertThat(folded.stream().filter("x-sekisho-user"::equals)).hasSize(1);
    assertThat(folded.stream().filter("x-sekisho-email"::equals)).hasSize(1);
    assertThat(value.apply("x-sekisho-user")).isEqualTo(id);
    assertThat(folded).doesNotContain("x-forwarded-user", "x-remote-user", "remote-user", "x-forwarded-email",
        "x-forwarded-preferred-username", "x-forwarded-groups");
    assertThat(folded).noneMatch(n -> n.startsWith("x-auth-request-"));
  }

  @Test
  void webSocketFromAForeignOriginIsRefused() throws Exception {
    WebClientSession browser = gateway.client();
    SignedIn.member(gateway, browser, "totp");
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      java.util.function.Function<String, Object> connectFrom = origin -> {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(gateway.port())
            .setURI("/demo/ws").addHeader("Cookie", "sekisho.sid=" + browser.cookie("sekisho.sid"));
        if (origin != null) {
          options.addHeader("Origin", origin);
        } else {
          // The client's own Origin header off: nothing says which page this comes from.
          options.setAllowOriginHeader(false);
        }
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        client.connect(options).onComplete(ar -> {
          outcome.complete(ar.succeeded() ? "connected" : ar.cause());
          if (ar.succeeded()) {
            ar.result().close();
          }
        });
        return outcome.orTimeout(30, TimeUnit.SECONDS).join();
      };
      // A sibling site's page: SameSite=Lax sends the cookie along, so the origin must decide.
      assertThat(connectFrom.apply("http://evil.localhost:" + gateway.port())).isNotEqualTo("connected");
      assertThat(connectFrom.apply("http://localhost:1")).isNotEqualTo("connected");
      assertThat(connectFrom.apply("null")).isNotEqualTo("connected");
      // The portal's own pages, and a client that is no browser page at all, connect.
      assertThat(connectFrom.apply("http://localhost:" + gateway.port())).isEqualTo("connected");
      assertThat(connectFrom.apply(null)).isEqualTo("connected");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void accountPageListsTheMembersRecentLogins() {
    WebClientSession browser = gateway.client();
    String id = SignedIn.member(gateway, browser, "totp");
    HttpResponse<String> account = browser.get("/sekisho/account");
    assertThat(account.statusCode()).isEqualTo(200);
    assertThat(account.body()).contains("最近のログイン").contains(id).contains("ID・パスワード").contains("成功")
        .contains(browser.clientAddress());
    HttpResponse<String> english = browser.get("/sekisho/account?lang=en");
    assertThat(english.body()).contains("Recent logins").contains("Succeeded");
    assertThat(gateway.client().get("/sekisho/account").statusCode()).isEqualTo(303);
  }

  @Test
  void healthStaysWithTheGatewayAndUnknownGatewayPathsAre404() {
    assertThat(gateway.client().get("/health").statusCode()).isEqualTo(200);
    assertThat(gateway.client().get("/sekisho/no-such-page").statusCode()).isEqualTo(404);
  }

  private static int demoPort() {
    return gateway.main().infrastructure().upstreams().get(0).port();
  }

}
