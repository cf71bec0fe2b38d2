package dev.sekisho.admin;

import dev.sekisho.web.Pages;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token guard for the insurer's API. Both tokens are hashed to a fixed length before the
 * constant-time comparison, so neither the content nor the length of the real token leaks.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  private final byte[] expectedDigest;

  public AdminAuth(String token) {
    this.expectedDigest = digest(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    if (!MessageDigest.isEqual(expectedDigest, digest(given))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"sekisho-admin\"");
      Pages.json(ctx, 401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
      return;
    }
    ctx.next();
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
