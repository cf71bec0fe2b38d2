package dev.sekisho.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The client's address for limits and the audit log. X-Forwarded-For is believed only when the
 * connection comes from a configured trusted proxy; otherwise anyone could pick their own address
 * and escape the per-address limits. Proxies are matched by {@link AddressMatcher}, so an entry may
 * be an address or a CIDR range, IPv4 or IPv6 (a Kubernetes ingress comes from a pod range).
 */
public final class ClientAddress {
  private final AddressMatcher trustedProxies;

  public ClientAddress(List<String> trustedProxies) {
    this.trustedProxies = new AddressMatcher(trustedProxies);
  }

  public String of(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return of(remote == null ? "unknown" : remote.hostAddress(), ctx.request().getHeader("X-Forwarded-For"));
  }

  /** The client for a connection from {@code peer} carrying {@code forwardedFor} (may be null). */
  public String of(String peer, String forwardedFor) {
    if (!trustedProxies.matches(peer) || forwardedFor == null || forwardedFor.isBlank()) {
      return peer;
    }
    // Walk from the nearest hop outwards, skipping our own proxies: the first other address is the client.
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.matches(hop)) {
        return hop.length() > 64 ? hop.substring(0, 64) : hop;
      }
    }
    return peer;
  }

  public boolean isTrustedProxy(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote != null && trustedProxies.matches(remote.hostAddress());
  }
}
