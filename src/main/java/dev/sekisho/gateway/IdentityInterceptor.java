package dev.sekisho.gateway;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Shapes one proxied exchange: the request leaves with only the gateway's identity and forwarding
 * headers and without the gateway's cookies; the answer comes back without the gateway's own page
 * policy (the portal owns its headers) and without any attempt to set a gateway cookie. Registered
 * with WebSocket support, because vertx-http-proxy skips other interceptors on upgrades.
 */
final class IdentityInterceptor implements ProxyInterceptor {
  private static final String FAILURE = "sekisho.failure";
  /** The gateway's page policy, set on every answer by SecurityHeaders; the portal's own applies to its pages. */
  private static final String[] GATEWAY_PAGE_HEADERS = {"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
      "Permissions-Policy"};

  private final RoutingContext ctx;
  private final Identity identity;
  private final IdentityHeaders names;
  private final Forwarding forwarding;
  private final GatewayCookies cookies;
  private final BiFunction<RoutingContext, Integer, String> errorPage;

  IdentityInterceptor(RoutingContext ctx, Identity identity, IdentityHeaders names, Forwarding forwarding,
                      GatewayCookies cookies, BiFunction<RoutingContext, Integer, String> errorPage) {
    this.ctx = ctx;
    this.identity = identity;
    this.names = names;
    this.forwarding = forwarding;
    this.cookies = cookies;
    this.errorPage = errorPage;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext proxy) {
    MultiMap headers = proxy.request().headers();
    stripIdentity(headers, names);
    if (identity != null) {
      // Null for a public path (gateway.rules): nothing is vouched for.
      identity.writeTo(headers, names);
    }
    forwarding.writeTo(ctx, headers);
    cookies.stripFromRequest(headers);
    return proxy.sendRequest().recover(err -> {
      // Upstream unreachable or too slow: answer with our own page rather than an empty 502.
      int status = isTimeout(err) ? 504 : 502;
      proxy.set(FAILURE, status);
      try {
        // Drop the rest of an upload the portal will never read.
        proxy.request().release();
      } catch (IllegalStateException alreadyRead) {
        // An HTTP/2 request read to its end refuses resume(); there is nothing left to drop.
      }
      return Future.succeededFuture(proxy.request().response().setStatusCode(status));
    });
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext proxy) {
    ProxyResponse response = proxy.response();
    Integer failure = proxy.get(FAILURE, Integer.class);
    if (failure == null && response.proxiedResponse() == null && response.getStatusCode() >= 500) {
      failure = response.getStatusCode();
    }
    if (failure != null) {
      response.headers().clear();
      response.putHeader("Cache-Control", "no-store");
      response.setBody(Body.body(Buffer.buffer(errorPage.apply(ctx, failure)), MediaType.parse("text/html; charset=utf-8")));
      return proxy.sendResponse();
    }
    MultiMap outgoing = ctx.response().headers();
    for (String name : GATEWAY_PAGE_HEADERS) {
      outgoing.remove(name);
    }
    cookies.stripFromResponse(response.headers());
    return proxy.sendResponse();
  }

  /**
   * Removes every header a client sent that poses as an identity: the gateway's own under any
   * capitalisation or with {@code _} for {@code -}, anything else in our namespace, and the legacy
   * identity headers of {@code gateway.strippedHeaders}.
   */
  static void stripIdentity(MultiMap headers, IdentityHeaders names) {
    // One pass over the headers, removing only when there is something to remove (the usual case
    // is nothing): this runs on every proxied request.
    List<String> posing = null;
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (names.posing().strippedBeforeThePortal(name)) {
        if (posing == null) {
          posing = new ArrayList<>(2);
        }
        posing.add(name);
      }
    }
    if (posing != null) {
      posing.forEach(headers::remove);
    }
  }

  private static boolean isTimeout(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof ConnectTimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

}
