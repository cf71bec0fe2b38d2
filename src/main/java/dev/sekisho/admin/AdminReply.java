package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers an admin call after auditing it: successes and refusals alike, so the log shows every
 * call the insurer's staff made, including the ones that were turned away.
 */
final class AdminReply {
  private final AuditLog audit;
  private final ClientAddress clientAddress;

  AdminReply(AuditLog audit, ClientAddress clientAddress) {
    this.audit = audit;
    this.clientAddress = clientAddress;
  }

  AuditEvent event(RoutingContext ctx, Long memberId, String loginId, String kind, String outcome) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    return AdminAuth.named(ctx, AuditEvent.of(memberId, loginId, kind, outcome, client));
  }

  void ok(RoutingContext ctx, Long memberId, String loginId, String kind, JsonObject detail, JsonObject body) {
    audit.record(event(ctx, memberId, loginId, kind, "ok").with(detail)).onComplete(v -> Pages.json(ctx, 200, body));
  }

  /** Records the event (with detail, which may be null) before the caller answers. */
  io.vertx.core.Future<Void> audit(RoutingContext ctx, Long memberId, String loginId, String kind, String outcome,
                                   JsonObject detail) {
    return audit.record(event(ctx, memberId, loginId, kind, outcome).with(detail));
  }

  /** The change was audited in its own transaction: just answer. */
  void sent(RoutingContext ctx, JsonObject body) {
    Pages.json(ctx, 200, body);
  }

  void refuse(RoutingContext ctx, Long memberId, String loginId, String kind, int status, String code, String message) {
    audit.record(event(ctx, memberId, loginId, kind, code).with(new JsonObject().put("status", status)))
        .onComplete(v -> Pages.json(ctx, status, code, message));
  }

  void fail(RoutingContext ctx, String kind, Throwable err) {
    if (err instanceof BadInput bad) {
      refuse(ctx, null, null, kind, 400, bad.code(), bad.getMessage());
    } else {
      audit.record(event(ctx, null, null, kind, "error")).onComplete(v -> ctx.fail(err));
    }
  }
}
