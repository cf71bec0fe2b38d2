package dev.sekisho.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every gateway page carries: a CSP without unsafe-inline (page scripts and styles come
 * from /static only), no framing, no MIME sniffing, no referrer leaking tokens, no caching of the
 * gateway's own pages (a handler may still choose otherwise), and HSTS when the request came over
 * TLS: served directly ({@code http.tls.*} or {@code http.secureCookies}), or reported as https
 * by X-Forwarded-Proto from a trusted proxy. From anyone else the header is ignored.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
  static final String HSTS = "max-age=31536000; includeSubDomains";
  private final boolean tls;
  private final ClientAddress clientAddress;

  public SecurityHeaders(boolean tls, ClientAddress clientAddress) {
    this.tls = tls;
    this.clientAddress = clientAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer")
        .set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (tls || ctx.request().isSSL() || forwardedHttps(ctx)) {
      headers.set("Strict-Transport-Security", HSTS);
    }
    String path = ctx.normalizedPath();
    if (path.startsWith(Paths.PREFIX + "/") && !path.startsWith(Paths.STATIC + "/")) {
      // Pages of a signed-in member must not outlive the session in a shared browser's cache.
      headers.set("Cache-Control", "no-store");
    }
    ctx.next();
  }

  private boolean forwardedHttps(RoutingContext ctx) {
    String proto = ctx.request().getHeader("X-Forwarded-Proto");
    return proto != null && "https".equalsIgnoreCase(proto.split(",")[0].trim()) && clientAddress.isTrustedProxy(ctx);
  }
}
