package dev.sekisho.rules;

import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gateway.rules in a running gateway, through the reverse proxy and forward-auth alike, with the
 * path normalised once before matching; and upstreams chosen by host as well as by path prefix.
 */
class PathRulesTest {
  static final Vertx vertx = Vertx.vertx();
  static HttpServer main;
  static HttpServer second;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    main = portal("main");
    second = portal("second");
    gateway = TestGateway.start(Map.of(
        "gateway.upstreams", "second.example.test/=http://127.0.0.1:" + second.actualPort()
            + ",/=http://127.0.0.1:" + main.actualPort(),
        "gateway.rules", "public exact /robots.txt,public glob /assets/**/*.css,deny prefix /admin,"
            + "deny prefix intranet.example.test/"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A stand-in portal answering its name, the path it was asked and the identity it was given. */
  private static HttpServer portal(String name) throws Exception {
    return vertx.createHttpServer().requestHandler(request -> request.response()
            .end(name + " " + request.path() + " user=" + request.getHeader("X-Sekisho-User")))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void publicPathsReachThePortalWithoutASessionAndWithoutIdentity() throws IOException {
    assertThat(raw("GET /robots.txt", "portal.example.test")).startsWith("HTTP/1.1 200").endsWith("main /robots.txt user=null");
    assertThat(raw("GET /assets/app/site.css", "portal.example.test")).startsWith("HTTP/1.1 200");
    // A client's own identity header is stripped on public paths too.
    assertThat(raw("GET /robots.txt", "portal.example.test", "X-Sekisho-User: admin")).endsWith("user=null");
    // Anything else still needs the journey.
    assertThat(raw("GET /robots.txt.bak", "portal.example.test")).startsWith("HTTP/1.1 303").contains("location: /sekisho/login");
    assertThat(raw("GET /assets/../account/site.css", "portal.example.test")).doesNotStartWith("HTTP/1.1 200");
  }

  @Test
  void deniedPathsAreDeniedInEverySpellingEvenToAMember() throws IOException {
    WebClientSession member;
    {  // signed in with a real second factor (testing/SignedIn)
      member = gateway.client();
      SignedIn.member(gateway, member, "totp");
    }
    assertThat(member.get("/account").body()).startsWith("main /account user=");
    for (String path : new String[] {"/admin", "/admin/users", "/ADMIN/users", "//admin", "/x/../admin",
        "/%61dmin", "/admin;jsessionid=1", "/robots.txt/..;/admin"}) {
      HttpResponse<String> denied = member.get(path);
      assertThat(denied.statusCode()).as(path).isIn(400, 403);
      assertThat(denied.body()).as(path).doesNotContain("main ");
    }
    for (String path : new String[] {"/robots.txt%2f..%2fadmin", "/static/%252e%252e/admin"}) {
      assertThat(raw("GET " + path, "portal.example.test")).as(path).startsWith("HTTP/1.1 400");
    }
    // A rule for one host: that site is closed, the others are not.
    assertThat(raw("GET /robots.txt", "intranet.example.test")).startsWith("HTTP/1.1 200");
    assertThat(raw("GET /account", "intranet.example.test")).startsWith("HTTP/1.1 403");
  }

  @Test
  void forwardAuthAppliesTheSameRulesToTheOriginalRequest() throws IOException {
    String verify = "GET /sekisho/auth/verify";
    assertThat(raw(verify, "portal.example.test", "X-Original-URI: /robots.txt?x=1")).startsWith("HTTP/1.1 200")
        .doesNotContain("X-Sekisho-User");
    assertThat(raw(verify, "portal.example.test", "X-Original-URI: /ADMIN//users")).startsWith("HTTP/1.1 403");
    assertThat(raw(verify, "portal.example.test", "X-Original-URI: /robots.txt%2F..%2Fadmin")).startsWith("HTTP/1.1 403");
    assertThat(raw(verify, "portal.example.test", "X-Forwarded-Host: intranet.example.test", "X-Original-URI: /account"))
        .startsWith("HTTP/1.1 403");
    assertThat(raw(verify, "portal.example.test", "X-Original-URI: /account")).startsWith("HTTP/1.1 401");
  }

  @Test
  void upstreamsAreChosenByHostAsWellAsByPrefix() throws IOException {
    assertThat(raw("GET /robots.txt", "second.example.test")).endsWith("second /robots.txt user=null");
    assertThat(raw("GET /robots.txt", "SECOND.example.test:8080")).endsWith("second /robots.txt user=null");
    assertThat(raw("GET /robots.txt", "other.example.test")).endsWith("main /robots.txt user=null");
  }

  /** One HTTP/1.1 request with the Host the test chooses (java.net.http refuses to set it); the whole answer. */
  private static String raw(String requestLine, String host, String... headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout(30_000);
      StringBuilder request = new StringBuilder(requestLine + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }
}
