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
    ctx.addEndHandler(done -> {
      if (LOG.isInfoEnabled()) {
        LOG.info("method={} path={} status={} ms={} ip={} bytes={}",
            ctx.request().method(), safePath(ctx.request().path()), ctx.response().getStatusCode(),
            (System.nanoTime() - start) / 1_000_000, clientAddress.of(ctx), ctx.response().bytesWritten());
      }
    });
    ctx.next();
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
