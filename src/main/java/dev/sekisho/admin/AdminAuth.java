package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token guard for the insurer's API. Both tokens are hashed to a fixed length before the
 * constant-time comparison, so neither the content nor the length of the real token leaks. With no
 * token configured the API is off: every call answers 404 {@code admin_api_off}, whatever it sends.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  private final byte[] expectedDigest;
  private final AuditLog audit;
  private final ClientAddress clientAddress;

  /** Refused calls are audited too (kind admin.unauthorized): someone is trying the insurer's API. */
  public AdminAuth(String token, AuditLog audit, ClientAddress clientAddress) {
    this.expectedDigest = token == null || token.isEmpty() ? null : digest(token);
    this.audit = audit;
    this.clientAddress = clientAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (expectedDigest == null) {
      Pages.json(ctx, 404, "admin_api_off", "The admin API is off: no admin token is configured (admin.token).");
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    if (!MessageDigest.isEqual(expectedDigest, digest(given))) {
      AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
      String path = ctx.normalizedPath();
      audit.record(AuditEvent.of(null, null, "admin.unauthorized", header == null ? "no_token" : "bad_token", client)
              .with(new JsonObject().put("method", ctx.request().method().name())
                  .put("path", path.length() > 200 ? path.substring(0, 200) : path)))
          .onComplete(v -> {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"sekisho-admin\"");
            Pages.json(ctx, 401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
          });
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
