package dev.sekisho.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose path cannot be decoded (a stray "%", "%=%"): vertx-web's normalised
 * path throws for it, and every later handler reads that path. Answered here with a plain 400,
 * since even choosing between a page and JSON needs the path.
 *
 * <p>The query of a gateway path is decoded here too: the pages read their parameters through
 * vertx-web, whose decoding throws on a bad escape ({@code ?x=%zz}, {@code ?x=%}) and gave a 500.
 * A portal path's query is not the gateway's to judge: it passes to the portal as sent.
 */
public final class MalformedPaths implements Handler<RoutingContext> {
  static final String MESSAGE = "URLの形式が正しくありません。 / The address is not a valid URL.\n";

  @Override
  public void handle(RoutingContext ctx) {
    try {
      String path = ctx.normalizedPath();
      if (ctx.request().query() != null && Paths.isGatewayPath(path)) {
        ctx.queryParams();
        ctx.request().params();
      }
    } catch (IllegalArgumentException e) {
      ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(MESSAGE);
      return;
    }
    ctx.next();
  }
}
