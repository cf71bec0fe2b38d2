package dev.sekisho.staff;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.web.ClientAddress;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Audit events of the console: every one names the staff member who acted ({@code detail.staff})
 * and that it came from the console ({@code detail.via}), so the log answers "who did this".
 */
public final class StaffAudit {
  private final AuditLog log;
  private final ClientAddress clientAddress;

  public StaffAudit(AuditLog log, ClientAddress clientAddress) {
    this.log = log;
    this.clientAddress = clientAddress;
  }

  /** An event for a member (or none), naming the staff member; detail may be null. */
  public AuditEvent event(RoutingContext ctx, String staffId, Long memberId, String loginId, String kind, String outcome,
                          JsonObject detail) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    JsonObject named = (detail == null ? new JsonObject() : detail.copy()).put("staff", staffId).put("via", "console");
    return AuditEvent.of(memberId, loginId, kind, outcome, client).with(named);
  }

  public Future<Void> record(AuditEvent event) {
    return log.record(event);
  }

  public String ip(RoutingContext ctx) {
    return clientAddress.of(ctx);
  }
}
