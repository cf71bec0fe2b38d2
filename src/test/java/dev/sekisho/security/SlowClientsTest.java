package dev.sekisho.security;

import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 6: slow and malformed connections are bounded. Raw sockets play the client; the
 * gateway runs with small limits so each case ends in seconds. The only timing asserted is "closed
 * within N seconds", N well above the configured bound.
 */
class SlowClientsTest {
  static final int HEADER_SECONDS = 2;
  static final int BODY_IDLE_SECONDS = 2;
  static final int REQUEST_SECONDS = 5;
  static final int MAX_PER_ADDRESS = 3;
  /** Slack for a busy test machine on top of each bound. */
  static final int SLACK_SECONDS = 10;

  static TestGateway timed;
  static TestGateway capped;

  @BeforeAll
  static void start() {
    // No trusted proxy: the test's own address is the client address that is capped.
    timed = TestGateway.start(Map.of("http.trustedProxies", "", "http.headerTimeoutSeconds", String.valueOf(HEADER_SECONDS),
        "http.bodyIdleSeconds", String.valueOf(BODY_IDLE_SECONDS), "http.requestTimeoutSeconds", String.valueOf(REQUEST_SECONDS)));
    capped = TestGateway.start(Map.of("http.trustedProxies", "", "http.maxConnectionsPerAddress", String.valueOf(MAX_PER_ADDRESS)));
  }

  @AfterAll
  static void stop() {
    timed.close();
    capped.close();
  }

  @Test
  void slowlorisConnectionsAreClosedAfterTheHeaderTimeout() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket("127.0.0.1", timed.port());
        socket.getOutputStream().write("GET /sekisho/login HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        sockets.add(socket);
      }
      long deadline = System.currentTimeMillis() + (HEADER_SECONDS + SLACK_SECONDS) * 1000L;
      // One more header byte per connection every 200 ms: never idle, never finished.
      while (sockets.stream().anyMatch(s -> !closedByServer(s, "a")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertThat(sockets).as("connections still open after %d s", HEADER_SECONDS + SLACK_SECONDS)
          .allMatch(s -> closedByServer(s, "a"));
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  @Test
  void aBodyTrickledAtOneBytePerBeatGets408WithinTheRequestTimeout() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", timed.port())) {
      socket.getOutputStream().write(("POST /sekisho/login HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      long deadline = System.currentTimeMillis() + (REQUEST_SECONDS + SLACK_SECONDS) * 1000L;
      // A byte every 500 ms: faster than the body-idle bound, so only the request timeout ends it.
      while (!closedByServer(socket, "a") && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertThat(closedByServer(socket, "a")).as("still reading the body").isTrue();
      assertThat(answerOf(socket)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void aBodyThatStopsGets408AfterTheBodyIdleTime() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", timed.port())) {
      socket.getOutputStream().write(("POST /sekisho/login HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nuserId=abc").getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout((2 * BODY_IDLE_SECONDS + SLACK_SECONDS) * 1000);
      assertThat(readAll(socket)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void chunkedWithoutChunksIsClosedWithoutAServerError() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", timed.port())) {
      socket.getOutputStream().write(("POST /sekisho/login HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nuserId=abc&password=x")
          .getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout((REQUEST_SECONDS + SLACK_SECONDS) * 1000);
      String answer = readAll(socket);
      if (!answer.isEmpty()) {
        assertThat(answer).startsWith("HTTP/1.1 4");
      }
    }
  }

  @Test
  void oneAddressHoldsAtMostTheConfiguredConnections() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_PER_ADDRESS; i++) {
        Socket socket = new Socket("127.0.0.1", capped.port());
        assertThat(exchange(socket)).as("connection %d within the cap", i + 1).startsWith("HTTP/1.1 200");
        held.add(socket);
      }
      try (Socket extra = new Socket("127.0.0.1", capped.port())) {
        assertThat(exchange(extra)).as("a connection over the cap").isEmpty();
      }
      held.remove(0).close();
      // A closed connection frees its place (the count is released when the gateway sees the close).
      long deadline = System.currentTimeMillis() + SLACK_SECONDS * 1000L;
      String answer = "";
      while (!answer.startsWith("HTTP/1.1 200") && System.currentTimeMillis() < deadline) {
        try (Socket again = new Socket("127.0.0.1", capped.port())) {
          answer = exchange(again);
        }
      }
      assertThat(answer).startsWith("HTTP/1.1 200");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  /**
   * The timers are for requests still arriving: a WebSocket to the portal, once upgraded, is no longer
   * a request, and a quiet one stays open past the header, body-idle and request timeouts.
   */
  @Test
  void aQuietWebSocketToThePortalOutlivesEveryRequestTimer() throws Exception {
    dev.sekisho.testing.WebClientSession browser = timed.client();
    dev.sekisho.testing.SignedIn.member(timed, browser, "totp");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      java.util.concurrent.LinkedBlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
      io.vertx.core.http.WebSocketConnectOptions options = new io.vertx.core.http.WebSocketConnectOptions()
          .setHost("localhost").setPort(timed.port()).setURI("/demo/ws")
          .addHeader("Cookie", "sekisho.sid=" + browser.cookie("sekisho.sid"));
      io.vertx.core.http.WebSocket socket = vertx.createWebSocketClient().connect(options)
          .onSuccess(ws -> ws.textMessageHandler(messages::add))
          .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(messages.poll(30, java.util.concurrent.TimeUnit.SECONDS)).as("the portal's first message").startsWith("{");
      int quietSeconds = Math.max(HEADER_SECONDS, Math.max(BODY_IDLE_SECONDS, REQUEST_SECONDS)) + 2;
      Thread.sleep(quietSeconds * 1000L);
      assertThat(socket.isClosed()).as("closed after %d quiet seconds", quietSeconds).isFalse();
      socket.writeTextMessage("still here");
      assertThat(messages.poll(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("still here");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Sends a keep-alive GET and reads its answer's head; "" when the server closed without one. */
  static String exchange(Socket socket) throws IOException {
    socket.setSoTimeout(20_000);
    socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
          break;
        }
      }
    } catch (IOException reset) {
      return head.toString(StandardCharsets.US_ASCII);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static final Map<Socket, ByteArrayOutputStream> ANSWERS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Sends one more byte and reports whether the server has closed the connection (end of stream
   * or reset); whatever the server answered is kept for {@link #answerOf}.
   */
  static boolean closedByServer(Socket socket, String nextByte) {
    ByteArrayOutputStream answer = ANSWERS.computeIfAbsent(socket, s -> new ByteArrayOutputStream());
    if (socket.isClosed() || socket.isInputShutdown()) {
      return true;
    }
    try {
      socket.getOutputStream().write(nextByte.getBytes(StandardCharsets.US_ASCII));
      socket.setSoTimeout(1);
      byte[] buffer = new byte[4096];
      int n;
      while ((n = socket.getInputStream().read(buffer)) > 0) {
        answer.write(buffer, 0, n);
      }
      if (n < 0) {
        socket.shutdownInput();
        return true;
      }
      return false;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closed either way
      }
      return true;
    }
  }

  static String answerOf(Socket socket) {
    return ANSWERS.getOrDefault(socket, new ByteArrayOutputStream()).toString(StandardCharsets.UTF_8);
  }

  static String readAll(Socket socket) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try {
      socket.getInputStream().transferTo(answer);
    } catch (SocketTimeoutException timeout) {
      throw new AssertionError("connection still open; answer so far: " + answer.toString(StandardCharsets.UTF_8));
    } catch (IOException reset) {
      // the server closed it: what arrived before counts
    }
    return answer.toString(StandardCharsets.UTF_8);
  }
}
