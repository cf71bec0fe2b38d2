package dev.sekisho.web;

import dev.sekisho.logging.RequestIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, under the request's id (see {@link RequestIds}). The path is logged without its query string, because links in
 * mails carry their tokens there; bodies, cookies and headers are never logged.
 */
public final class RequestLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("sekisho.access");
  private final ClientAddress clientAddress;

  public RequestLog(ClientAddress clientAddress) {
    this.clientAddress = clientAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    // One id per request, on every line of it (RequestIdFilter), answered to the client and passed to the portal.
    String requestId = RequestIds.assign(ctx, clientAddress.isTrustedProxy(ctx));
    ctx.response().putHeader(RequestIds.HEADER, requestId);
    boolean[] logged = {false};
    if (ctx.request().canUpgradeToWebSocket()) {
      // A WebSocket the portal accepted leaves HTTP with its 101: the response never ends, so the end
      // handler below never ran and proxied WebSockets were missing from the access log. Its line is
      // written when the 101 goes out (ms: the handshake; bytes: none, what follows is no longer HTTP).
      ctx.addHeadersEndHandler(v -> {
        if (ctx.response().getStatusCode() == 101) {
          logged[0] = true;
          line(ctx, start);
        }
      });
    }
    ctx.addEndHandler(done -> {
      if (!logged[0]) {
        logged[0] = true;
        line(ctx, start);
      }
    });
    ctx.next();
  }

  private void line(RoutingContext ctx, long start) {
    if (LOG.isInfoEnabled()) {
      LOG.info("method={} path={} status={} ms={} ip={} bytes={}",
          ctx.request().method(), safePath(ctx.request().path()), ctx.response().getStatusCode(),
          (System.nanoTime() - start) / 1_000_000, clientAddress.of(ctx), ctx.response().bytesWritten());
    }
  }

  /** Keeps log lines one line and free of anything a client typed to forge entries. */
  static String safePath(String path) {
    if (path == null) {
      return "-";
    }
    String clipped = path.length() > 200 ? path.substring(0, 200) + "..." : path;
    return clipped.replaceAll("[^\\x21-\\x7e]", "?");
  }
}
