package dev.sekisho.gateway;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.PortalHeaders;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's nginx in front, with the configuration block of README.md taken as it is
 * (only the ports changed): nginx asks Sekisho's forward-auth endpoint about every portal request.
 */
class NginxForwardAuthTest {
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static Process nginx;
  static Path dir;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    assertThat(NGINX).as("Debian's nginx (apt-get install nginx)").isExecutable();
    int portalPort = gateway.main().infrastructure().upstreams().get(0).port();
    port = TestGateway.freePort();
    dir = Files.createTempDirectory("sekisho-nginx-");
    String block = documentedBlock()
        .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + gateway.port() + ";")
        .replace("http://127.0.0.1:9000", "http://127.0.0.1:" + portalPort)
        .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
    String conf = (isRoot() ? "user root;\n" : "") + """
        worker_processes 1;
        daemon off;
        error_log %1$s/error.log warn;
        pid %1$s/nginx.pid;
        events { worker_connections 128; }
        http {
          access_log %1$s/access.log;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
        %2$s
        }
        """.formatted(dir, block);
    Files.writeString(dir.resolve("nginx.conf"), conf);
    nginx = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    awaitListening();
  }

  @AfterAll
  static void stop() throws Exception {
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void unauthenticatedRequestIsSentToLoginAndAuthenticatedOneReachesThePortalWithIdentity() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    HttpResponse<String> refused = browser.get("/demo/headers?from=nginx");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(303);
    assertThat(refused.headers().firstValue("Location")).contains("/sekisho/login");

    String id = gateway.admin().newMember("ngx");
    HttpResponse<String> finished = SignedIn.complete(gateway, browser, id, "totp");
    // The page first asked for, remembered from nginx's X-Original-URI.
    assertThat(finished.headers().firstValue("Location")).contains("/demo/headers?from=nginx");

    PortalHeaders.assertVouchedFor(browser, "/demo/headers?from=nginx", id);

    // Logging out through nginx ends it for nginx too.
    browser.get("/sekisho/account");
    browser.post("/sekisho/logout", java.util.Map.of());
    assertThat(browser.get("/demo/headers").statusCode()).isEqualTo(303);
  }

  @Test
  void aPostFromAnAnonymousVisitorIsRefusedWithoutReachingThePortal() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    HttpResponse<String> post = browser.postRaw("/demo/upload", "secret=1", "application/x-www-form-urlencoded");
    assertThat(post.statusCode()).isEqualTo(303);
    assertThat(post.headers().firstValue("Location")).contains("/sekisho/login");
  }

  @Test
  void otherCookiesReachThePortalButNotTheGatewaysOwn() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    browser.setCookie("portal_a", "1");
    String id = gateway.admin().newMember("ngc");
    SignedIn.complete(gateway, browser, id, "email");
    browser.setCookie("portal_b", "2");
    browser.get("/sekisho/login?lang=en");
    HttpResponse<String> portal = browser.get("/demo/headers");
    assertThat(portal.statusCode()).isEqualTo(200);
    String cookie = new JsonObject(portal.body()).getJsonObject("headers").getString("cookie");
    assertThat(cookie).contains("portal_a=1").contains("portal_b=2").doesNotContain("sekisho.");
  }

  @Test
  void identityHeadersLegacyAppsTrustNeverReachThePortal() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    String id = gateway.admin().newMember("ngh");
    SignedIn.complete(gateway, browser, id, "totp");
    for (String[] header : new String[][] {{"X-Forwarded-User", "admin"}, {"Remote-User", "admin"},
        {"X-Auth-Request-Email", "evil@example"}}) {
      HttpResponse<String> refused = browser.send(browser.request("/demo/headers").header(header[0], header[1]).GET().build());
      assertThat(refused.statusCode()).as(header[0] + ": " + refused.body()).isEqualTo(403);
      assertThat(refused.body()).as(header[0]).doesNotContain(header[1]);
    }
    // nginx drops names with an underscore itself (underscores_in_headers off): the portal sees only the real one.
    HttpResponse<String> portal = browser.send(browser.request("/demo/headers").header("X_Sekisho_User", "admin").GET().build());
    assertThat(portal.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(portal.body()).getJsonObject("headers");
    assertThat(headers.getString("x-sekisho-user")).isEqualTo(id);
    assertThat(headers.fieldNames()).doesNotContain("x_sekisho_user");
  }

  @Test
  void chromiumsOwnFaviconRequestDoesNotReplaceThePageAskedFor() throws Exception {
    try (Browser chromium = Browser.start()) {
      chromium.open("http://localhost:" + port + "/demo/headers?deep=link");
      chromium.waitForPath("/sekisho/login");
      // Chrome asks for /favicon.ico on its own once the login page shows; nginx sends that to
      // /sekisho/auth/start like any other portal path. Wait until it has.
      chromium.waitFor(d -> accessLog().contains("GET /favicon.ico"));
      String id = gateway.admin().newMember("ngf");
      SignedIn.Factor totp = SignedIn.setUp(gateway, id, "totp");
      chromium.login("http://localhost:" + port, id, AdminClient.RULE_PASSWORD);
      // The real second step, in Chromium through nginx: its redirect is the journey's answer.
      chromium.waitForPath("/sekisho/verify/totp");
      chromium.driver().findElement(org.openqa.selenium.By.id("code")).sendKeys(totp.code());
      chromium.driver().findElement(org.openqa.selenium.By.id("otp-submit")).click();
      chromium.waitFor(d -> !URI.create(d.getCurrentUrl()).getPath().startsWith("/sekisho/"));
      URI landed = URI.create(chromium.driver().getCurrentUrl());
      assertThat(landed.getPath() + "?" + landed.getQuery()).isEqualTo("/demo/headers?deep=link");
    }
  }

  private static String accessLog() {
    try {
      return Files.readString(dir.resolve("access.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** The nginx block of README.md. */
  static String documentedBlock() throws IOException {
    String doc = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("an nginx block in README.md").isTrue();
    return m.group(1);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** nginx starts in milliseconds; wait for its port or its exit, whichever comes first. */
  private static void awaitListening() throws Exception {
    for (int i = 0; i < 200; i++) {
      if (!nginx.isAlive()) {
        throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
            + Files.readString(dir.resolve("error.log")));
      }
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        nginx.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("nginx did not listen on " + port);
  }

}
