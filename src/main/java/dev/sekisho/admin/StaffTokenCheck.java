package dev.sekisho.admin;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * How {@link AdminAuth} asks about a bearer token that is not the configured bootstrap token: a
 * staff member's API token (package staff). Kept as an interface so the admin API does not
 * depend on the console.
 */
public interface StaffTokenCheck {
  /** Tokens of this shape are staff tokens; anything else is compared with the bootstrap token only. */
  boolean looksLikeOne(String token);

  /** The caller, or null when the token is unknown, revoked, expired or its owner deactivated. */
  Future<Caller> find(String token);

  /** A staff member calling through a token, and whether the token's role allows this call. */
  interface Caller {
    String staffId();

    boolean allows(RoutingContext ctx);
  }
}
