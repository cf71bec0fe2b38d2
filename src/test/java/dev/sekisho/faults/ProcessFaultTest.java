package dev.sekisho.faults;

import dev.sekisho.bench.GatewayProcess;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as a real OS process: SIGTERM drains a request that is in flight (its body still
 * arriving) and stops the embedded PostgreSQL cleanly with exit status 0; SIGKILL loses nothing
 * committed, and the next start on the same data directory takes over and serves it.
 */
class ProcessFaultTest {
  private static final String DEMO_PASSWORD = "12345619800401";

  @Test
  void sigtermDrainsAnInFlightRequestAndStopsTheDatabaseCleanly(@TempDir Path dir) throws Exception {
    dir.toFile().setExecutable(true, false);
    Path data = dir.resolve("pg");
    try (GatewayProcess gateway = FaultChildren.start(data, Map.of("SEKISHO_HTTP_SHUTDOWN_GRACE_SECONDS", "60"))) {
      WebClientSession browser = new WebClientSession(gateway.baseUrl());
      assertThat(browser.get("/sekisho/login").statusCode()).isEqualTo(200);
      String body = "_csrf=" + URLEncoder.encode(browser.csrf(), StandardCharsets.UTF_8)
          + "&user_id=demo&password=" + DEMO_PASSWORD;
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      int half = bytes.length / 2;

      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(("POST /sekisho/login HTTP/1.1\r\nHost: localhost:" + gateway.port() + "\r\n"
            + "Cookie: sekisho.sid=" + browser.cookie("sekisho.sid") + "\r\n"
            + "X-Forwarded-For: " + browser.clientAddress() + "\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + bytes.length + "\r\n"
            + "Expect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // The router answered 100 Continue: the request is in flight inside the gateway.
        assertThat(readUntilBlankLine(in)).startsWith("HTTP/1.1 100");
        out.write(bytes, 0, half);
        out.flush();

        gateway.process().destroy();  // SIGTERM
        gateway.awaitLog("Stopping: draining in-flight requests", 60);

        // The rest of the body arrives after the stop began: the request still completes (a real login).
        out.write(bytes, half, bytes.length - half);
        out.flush();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).as(gateway.log()).startsWith("HTTP/1.1 303");
        assertThat(response.toLowerCase()).contains("location: /sekisho/onboarding/birthdate");
      }

      assertThat(gateway.awaitExit()).as(gateway.log()).isZero();
      assertThat(gateway.log()).contains("Stopped cleanly").doesNotContain("Stop did not finish");
      assertThat(data.resolve("postmaster.pid")).as("embedded PostgreSQL stopped").doesNotExist();
      assertThat(dir.resolve("pg.log")).content().contains("database system is shut down");
    }
  }

  @Test
  void sigkillThenRestartLosesNothingCommitted(@TempDir Path dir) throws Exception {
    dir.toFile().setExecutable(true, false);
    Path data = dir.resolve("pg");
    String cookie;
    try (GatewayProcess first = FaultChildren.start(data, Map.of())) {
      WebClientSession browser = new WebClientSession(first.baseUrl());
      assertThat(browser.login("demo", DEMO_PASSWORD).statusCode()).isEqualTo(303);
      browser.get("/sekisho/onboarding/birthdate");
      HttpResponse<String> step = browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01"));
      assertThat(step.statusCode()).isEqualTo(303);
      assertThat(step.headers().firstValue("Location").orElse("")).isEqualTo("/sekisho/onboarding/terms");
      cookie = browser.cookie("sekisho.sid");

      first.process().destroyForcibly();  // SIGKILL: no hook, no drain; PostgreSQL may outlive it
      assertThat(first.awaitExit()).isEqualTo(137);
    }

    // A new process on the same data directory takes over (stopping a left-over server first).
    try (GatewayProcess second = FaultChildren.start(data, Map.of())) {
      WebClientSession same = new WebClientSession(second.baseUrl());
      same.setCookie("sekisho.sid", cookie);
      // The session and the committed step survived: the member is at the terms, not the birthdate.
      HttpResponse<String> resumed = same.get("/sekisho/onboarding/birthdate");
      assertThat(resumed.statusCode()).isEqualTo(303);
      assertThat(resumed.headers().firstValue("Location").orElse("")).isEqualTo("/sekisho/onboarding/terms");
      assertThat(same.get("/sekisho/onboarding/terms").statusCode()).isEqualTo(200);
      WebClientSession fresh = new WebClientSession(second.baseUrl());
      HttpResponse<String> login = fresh.login("demo", DEMO_PASSWORD);
      assertThat(login.headers().firstValue("Location").orElse("")).isEqualTo("/sekisho/onboarding/terms");

      second.process().destroy();
      assertThat(second.awaitExit()).as(second.log()).isZero();
      assertThat(data.resolve("postmaster.pid")).doesNotExist();
    }
  }

  private static String readUntilBlankLine(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      String s = head.toString(StandardCharsets.US_ASCII);
      if (s.endsWith("\r\n\r\n")) {
        return s;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
