package dev.sekisho.gateway;

import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.PortalHeaders;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's caddy in front, running the shipped {@code deploy/caddy/Caddyfile} as it is: only its
 * environment placeholders (site address, Sekisho's and the portal's addresses) are given values,
 * as an operator would. Caddy asks Sekisho's forward-auth endpoint about every portal request.
 */
class CaddyForwardAuthTest {
  static final Path CADDY = Path.of("/usr/bin/caddy");
  static final Path CADDYFILE = Path.of("deploy/caddy/Caddyfile");
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  static Process caddy;
  static Path dir;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    assertThat(CADDY).as("Debian's caddy (apt-get install caddy)").isExecutable();
    int portalPort = gateway.main().infrastructure().upstreams().get(0).port();
    port = TestGateway.freePort();
    dir = Files.createTempDirectory("sekisho-caddy-");
    ProcessBuilder builder = new ProcessBuilder(CADDY.toString(), "run", "--adapter", "caddyfile",
        "--config", CADDYFILE.toAbsolutePath().toString())
        .directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("caddy.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("SITE_ADDRESS", "http://:" + port);
    env.put("SEKISHO_UPSTREAM", "127.0.0.1:" + gateway.port());
    env.put("PORTAL_UPSTREAM", "127.0.0.1:" + portalPort);
    env.put("CADDY_ADMIN", "off");
    // Caddy keeps its state under HOME / XDG directories: a private one per run.
    env.put("HOME", dir.toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    caddy = builder.start();
    awaitListening();
  }

  @AfterAll
  static void stop() throws Exception {
    if (caddy != null) {
      caddy.destroy();
      caddy.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void unauthenticatedRequestIsSentToLoginAndAuthenticatedOneReachesThePortalWithIdentity() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    HttpResponse<String> refused = browser.get("/demo/headers?from=caddy");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(302);
    assertThat(refused.headers().firstValue("Location")).contains("/sekisho/login");

    // The login page itself is Sekisho's, not a redirect to itself.
    assertThat(browser.get("/sekisho/login").statusCode()).isEqualTo(200);

    String id = gateway.admin().newMember("cdy");
    HttpResponse<String> finished = SignedIn.complete(gateway, browser, id, "totp");
    // The page first asked for, remembered from Caddy's X-Forwarded-Uri.
    assertThat(finished.headers().firstValue("Location")).contains("/demo/headers?from=caddy");

    PortalHeaders.assertVouchedFor(browser, "/demo/headers?from=caddy", id);

    // Logging out through Caddy ends it for Caddy too.
    browser.get("/sekisho/account");
    browser.post("/sekisho/logout", Map.of());
    assertThat(browser.get("/demo/headers").statusCode()).isEqualTo(302);
  }

  @Test
  void anAnonymousVisitorsForgedIdentityHeadersAndPostNeverReachThePortal() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    HttpResponse<String> post = browser.send(browser.request("/demo/upload")
        .header("X-Sekisho-User", "admin").header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("secret=1")).build());
    assertThat(post.statusCode()).isEqualTo(302);
    assertThat(post.headers().firstValue("Location")).contains("/sekisho/login");
  }

  @Test
  void otherCookiesReachThePortalButNotTheGatewaysOwnWhichIsTheApiBearerToken() {
    WebClientSession browser = new WebClientSession("http://localhost:" + port);
    browser.setCookie("portal_a", "1");
    String id = gateway.admin().newMember("cdc");
    SignedIn.complete(gateway, browser, id, "email");
    browser.setCookie("portal_b", "2");
    browser.get("/sekisho/login?lang=en");
    HttpResponse<String> portal = browser.get("/demo/headers");
    assertThat(portal.statusCode()).isEqualTo(200);
    String cookie = new JsonObject(portal.body()).getJsonObject("headers").getString("cookie");
    assertThat(cookie).contains("portal_a=1").contains("portal_b=2").doesNotContain("sekisho.");
  }

  /** Caddy starts in well under a second; wait for its port or its exit, whichever comes first. */
  private static void awaitListening() throws Exception {
    for (int i = 0; i < 400; i++) {
      if (!caddy.isAlive()) {
        throw new IllegalStateException("caddy exited: " + Files.readString(dir.resolve("caddy.log")));
      }
      try (Socket socket = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        caddy.waitFor(50, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("caddy did not listen on " + port + ": " + Files.readString(dir.resolve("caddy.log")));
  }
}
