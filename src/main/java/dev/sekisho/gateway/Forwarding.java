package dev.sekisho.gateway;

import dev.sekisho.web.ClientAddress;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * What the gateway says about the original request (X-Forwarded-*), and what it believes from a
 * proxy in front of it. A forwarded header is believed only when the connection comes from a
 * configured trusted proxy; from anyone else it is replaced, never passed on.
 */
public final class Forwarding {
  /** Headers about the original request that only the gateway may set upstream. */
  static final List<String> FORWARDING_HEADERS = List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
      "X-Forwarded-Port", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Original-URL", "X-Original-URI", "X-Real-IP",
      "Forwarded");

  private final ClientAddress clientAddress;

  public Forwarding(ClientAddress clientAddress) {
    this.clientAddress = clientAddress;
  }

  /** Replaces every forwarding header in {@code out} with what the gateway vouches for. */
  public void writeTo(RoutingContext ctx, MultiMap out) {
    HttpServerRequest request = ctx.request();
    boolean trusted = clientAddress.isTrustedProxy(ctx);
    String inboundFor = request.getHeader("X-Forwarded-For");
    String proto = trusted ? firstHop(request.getHeader("X-Forwarded-Proto")) : null;
    String host = trusted ? firstHop(request.getHeader("X-Forwarded-Host")) : null;
    for (String name : FORWARDING_HEADERS) {
      out.remove(name);
    }
    // The request's id (the trusted proxy's, or ours): the portal's log lines can then be joined with ours.
    String requestId = dev.sekisho.logging.RequestIds.of(ctx);
    if (requestId != null) {
      out.set(dev.sekisho.logging.RequestIds.HEADER, requestId);
    }
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    out.set("X-Forwarded-For", trusted && inboundFor != null && !inboundFor.isBlank() ? inboundFor.trim() + ", " + peer : peer);
    out.set("X-Forwarded-Proto", proto != null && proto.matches("https?") ? proto : request.scheme());
    String authority = request.authority() == null ? "" : request.authority().toString();
    out.set("X-Forwarded-Host", host != null && host.matches("[A-Za-z0-9.:\\[\\]-]{1,255}") ? host : authority);
  }

  /**
   * The path and query the visitor originally asked for, from a trusted proxy's X-Original-URL,
   * X-Original-URI or X-Forwarded-Uri (nginx, Traefik, Caddy); null when none is believable.
   * A full URL gives only its path and query: the gateway never redirects off its own site.
   */
  public String originalPath(RoutingContext ctx) {
    if (!clientAddress.isTrustedProxy(ctx)) {
      return null;
    }
    for (String name : List.of("X-Original-URL", "X-Original-URI", "X-Forwarded-Uri")) {
      String value = ctx.request().getHeader(name);
      if (value != null && !value.isBlank()) {
        return pathOf(value.trim());
      }
    }
    return null;
  }

  static String pathOf(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      try {
        URI uri = URI.create(value);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return value;
  }

  private static String firstHop(String value) {
    if (value == null) {
      return null;
    }
    int comma = value.indexOf(',');
    return (comma < 0 ? value : value.substring(0, comma)).trim().toLowerCase(Locale.ROOT);
  }
}
