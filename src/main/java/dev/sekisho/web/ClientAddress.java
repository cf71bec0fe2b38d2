package dev.sekisho.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * The client's address for limits and the audit log. X-Forwarded-For is believed only when the
 * connection comes from a configured trusted proxy; otherwise anyone could pick their own address
 * and escape the per-address limits.
 */
public final class ClientAddress {
  private final Set<String> trustedProxies;

  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  public String of(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    if (!trustedProxies.contains(peer)) {
      return peer;
    }
    String forwarded = ctx.request().getHeader("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    // Walk from the nearest hop outwards, skipping our own proxies: the first other address is the client.
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }

  public boolean isTrustedProxy(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote != null && trustedProxies.contains(remote.hostAddress());
  }
}
