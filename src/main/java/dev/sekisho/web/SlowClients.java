package dev.sekisho.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Bounds slow and malformed clients (issue 12 item 6), with timers on the event loop (never a
 * blocking wait):
 * <ul>
 *   <li>a connection whose request headers are not complete within the header timeout, counted
 *       from connecting or from the previous answer, is closed (slowloris; a kept-alive connection
 *       left idle);</li>
 *   <li>a request whose body pauses longer than the body-idle time, or has not fully arrived within
 *       the request timeout, is answered 408 and its connection closed (a body at 1 byte/s,
 *       {@code Transfer-Encoding: chunked} with no chunk ever completed);</li>
 *   <li>one client address holds at most a set number of connections; more are closed at once.
 *       Trusted proxies are exempt: every client behind them shares their address.</li>
 * </ul>
 * One instance per HTTP verticle: its connections and requests live on that verticle's event loop,
 * so their state needs no locking. The per-address counts are shared by all verticles of the
 * process through a local map.
 */
public final class SlowClients {
  static final String COUNTS_MAP = "sekisho.connectionsPerAddress";
  static final String TIMEOUT_MESSAGE = "リクエストの受信が時間内に終わりませんでした。 / The request did not arrive in time.\n";

  private final Vertx vertx;
  private final ConnectionLimits limits;
  private final Set<String> exempt;
  private final LocalMap<String, Integer> counts;
  /** Header timer of each open connection of this verticle (absent while a request is being read or answered). */
  private final Map<HttpConnection, Long> headerTimers = new IdentityHashMap<>();

  public SlowClients(Vertx vertx, ConnectionLimits limits, Set<String> exempt) {
    this.vertx = vertx;
    this.limits = limits;
    this.exempt = Set.copyOf(exempt);
    this.counts = vertx.sharedData().getLocalMap(COUNTS_MAP);
  }

  /** For {@code HttpServer.connectionHandler}: counts the connection and starts its header timer. */
  public Handler<HttpConnection> connections() {
    return connection -> {
      String address = address(connection.remoteAddress());
      if (address != null && !exempt.contains(address)) {
        int open = counts.compute(address, (key, count) -> count == null ? 1 : count + 1);
        connection.closeHandler(closed -> release(connection, address));
        if (open > limits.maxConnectionsPerAddress()) {
          connection.close();
          return;
        }
      } else {
        connection.closeHandler(closed -> release(connection, null));
      }
      awaitHeaders(connection);
    };
  }

  /**
   * The router's first handler: the headers are in; now the body is timed until the request has fully
   * arrived, and what the connection fails with meanwhile is the request's (ClientFaults).
   */
  public Handler<RoutingContext> requests() {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      HttpConnection connection = request.connection();
      Long headerTimer = headerTimers.remove(connection);
      if (headerTimer != null) {
        vertx.cancelTimer(headerTimer);
      }
      ClientFaults.watch(ctx, connection);
      BodyWatch watch = new BodyWatch(request, System.nanoTime());
      watch.schedule(Math.min(limits.bodyIdle().toMillis(), limits.requestTimeout().toMillis()));
      boolean upgrade = request.headers().contains(HttpHeaders.UPGRADE);
      ctx.addEndHandler(done -> {
        watch.stop();
        ClientFaults.unwatch(connection);
        // The next request on a kept-alive connection gets its own header timeout; an upgraded
        // connection (WebSocket) is no longer HTTP and is not timed here.
        if (!upgrade) {
          awaitHeaders(connection);
        }
      });
      ctx.next();
    };
  }

  private void awaitHeaders(HttpConnection connection) {
    Long previous = headerTimers.put(connection, vertx.setTimer(limits.headerTimeout().toMillis(), fired -> {
      headerTimers.remove(connection);
      connection.close();
    }));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void release(HttpConnection connection, String address) {
    Long timer = headerTimers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    if (address != null) {
      counts.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  private static String address(SocketAddress remote) {
    return remote == null ? null : remote.hostAddress();
  }

  /** Watches one request's body: it must keep arriving, and arrive in full within the request timeout. */
  private final class BodyWatch {
    private final HttpServerRequest request;
    private final long startedNanos;
    private long bytesSeen;
    private long timer = -1;

    BodyWatch(HttpServerRequest request, long startedNanos) {
      this.request = request;
      this.startedNanos = startedNanos;
      this.bytesSeen = request.bytesRead();
    }

    void schedule(long delayMs) {
      timer = vertx.setTimer(Math.max(1, delayMs), fired -> check());
    }

    void stop() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private void check() {
      timer = -1;
      if (request.isEnded()) {
        return;
      }
      long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
      long read = request.bytesRead();
      if (read == bytesSeen || elapsedMs >= limits.requestTimeout().toMillis()) {
        timedOut();
        return;
      }
      bytesSeen = read;
      schedule(Math.min(limits.bodyIdle().toMillis(), limits.requestTimeout().toMillis() - elapsedMs));
    }

    private void timedOut() {
      HttpServerResponse response = request.response();
      HttpConnection connection = request.connection();
      if (response.headWritten() || response.ended() || response.closed()) {
        connection.close();
        return;
      }
      response.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CONNECTION, "close").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(TIMEOUT_MESSAGE).onComplete(sent -> connection.close());
    }
  }
}
