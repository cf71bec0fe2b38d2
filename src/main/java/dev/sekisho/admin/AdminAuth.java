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
 * Bearer-token guard for the insurer's API: the configured bootstrap token ({@code admin.token}) or
 * a staff member's API token ({@link StaffTokenCheck}), which is refused (403, audited) beyond its
 * role and names the staff member in the audit events of the call ({@link #named}). Both tokens are hashed to a fixed length before the
 * constant-time comparison, so neither the content nor the length of the real token leaks. With no
 * token configured the API is off: every call answers 404 {@code admin_api_off}, whatever it sends.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  /** Set on a call once one of its audit events was built ({@link #named}). */
  static final String AUDITED = "sekisho.adminAudited";

  private final byte[] expectedDigest;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final StaffTokenCheck staffTokens;
  private static final String STAFF_KEY = "sekisho.apiStaff";

  public AdminAuth(String token, AuditLog audit, ClientAddress clientAddress) {
    this(token, audit, clientAddress, null);
  }

  /** Refused calls are audited too (kind admin.unauthorized): someone is trying the insurer's API. */
  public AdminAuth(String token, AuditLog audit, ClientAddress clientAddress, StaffTokenCheck staffTokens) {
    this.staffTokens = staffTokens;
    this.expectedDigest = token == null || token.isEmpty() ? null : digest(token);
    this.audit = audit;
    this.clientAddress = clientAddress;
  }

  /** The staff member whose API token made this call; null for the bootstrap token. */
  public static String staffId(RoutingContext ctx) {
    return ctx.get(STAFF_KEY);
  }

  /**
   * The event with {@code detail.staff} when a staff token made this call; unchanged otherwise. Every
   * admin route builds its audit events here, so the call is marked as audited: the API's gate
   * audits a refusal that its route did not ({@link AdminApiGate}).
   */
  public static AuditEvent named(RoutingContext ctx, AuditEvent event) {
    ctx.put(AUDITED, true);
    String staff = ctx.get(STAFF_KEY);
    return staff == null ? event : event.with(new JsonObject().put("staff", staff).put("via", "api"));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.get(STAFF_KEY) != null) {
      ctx.next(); // already checked by an earlier mount of this guard
      return;
    }
    String bearer = bearer(ctx);
    if (staffTokens != null && staffTokens.looksLikeOne(bearer)) {
      // The look-up is a database call: hold the body until the body handler after this guard reads it.
      ctx.request().pause();
      staffTokens.find(bearer).onComplete(found -> {
        if (found.failed()) {
          ctx.fail(found.cause());
        } else if (found.result() == null) {
          refuse(ctx, "bad_token", 401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
        } else if (!found.result().allows(ctx)) {
          ctx.put(STAFF_KEY, found.result().staffId());
          refuse(ctx, "forbidden", 403, "forbidden", "This token's role does not allow this call.");
        } else {
          ctx.put(STAFF_KEY, found.result().staffId());
          ctx.next();
        }
      });
      return;
    }
    if (expectedDigest == null) {
      Pages.json(ctx, 404, "admin_api_off", "The admin API is off: no admin token is configured (admin.token).");
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (!MessageDigest.isEqual(expectedDigest, digest(bearer))) {
      refuse(ctx, header == null ? "no_token" : "bad_token", 401, "unauthorized",
          "A valid admin token is required (Authorization: Bearer <token>).");
      return;
    }
    ctx.next();
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
  }

  private void refuse(RoutingContext ctx, String outcome, int status, String code, String message) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    String path = ctx.normalizedPath();
    AuditEvent event = AuditEvent.of(null, null, status == 403 ? "admin.forbidden" : "admin.unauthorized", outcome, client)
        .with(new JsonObject().put("method", ctx.request().method().name())
            .put("path", path.length() > 200 ? path.substring(0, 200) : path));
    audit.record(named(ctx, event)).onComplete(v -> {
      if (status == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"sekisho-admin\"");
      }
      Pages.json(ctx, status, code, message);
    });
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
