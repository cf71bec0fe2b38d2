package dev.sekisho.onboarding;

import dev.sekisho.admin.AdminAuth;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.member.LoginIds;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.sekisho.web.FormBodies;

/**
 * The insurer's onboarding and mail calls under /sekisho/admin/api, each guarded by the admin
 * token and audited. Mounted before AdminRoutes (whose last route answers 404 for the rest).
 */
public final class OnboardingAdminRoutes {
  private final OnboardingAdmin admin;
  private final MailOutbox outbox;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final AdminAuth auth;

  public OnboardingAdminRoutes(OnboardingAdmin admin, MailOutbox outbox, AuditLog audit, ClientAddress clientAddress,
                               AdminAuth auth) {
    this.admin = admin;
    this.outbox = outbox;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.auth = auth;
  }

  public void mount(Router router) {
    FormBodies body = FormBodies.limitedTo(64 * 1024);
    router.post(Paths.ADMIN_API + "/members/:userId/setup-deadline").handler(body).handler(auth).handler(this::extend);
    router.post(Paths.ADMIN_API + "/members/:userId/onboarding/reset").handler(body).handler(auth).handler(this::reset);
    router.get(Paths.ADMIN_API + "/mail/undelivered").handler(auth).handler(this::undelivered);
  }

  private void extend(RoutingContext ctx) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    Integer days = null;
    try {
      JsonObject json = ctx.body().asJsonObject();
      Object value = json == null ? null : json.getValue("days");
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 1 && n.intValue() <= 365) {
        days = n.intValue();
      }
    } catch (RuntimeException e) {
      days = null;
    }
    if (days == null) {
      Pages.json(ctx, 400, "bad_days", "Send {\"days\": N} with N from 1 to 365.");
      return;
    }
    int granted = days;
    admin.extendDeadline(loginId, granted).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        Pages.json(ctx, 404, "not_waiting_for_setup", "No member with this user ID is waiting to set up a method.");
      } else {
        audited(ctx, loginId, "admin.onboarding.deadline", new JsonObject().put("days", granted))
            .onComplete(v -> Pages.json(ctx, 200, result.result()));
      }
    });
  }

  private void reset(RoutingContext ctx) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    admin.reset(loginId).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        Pages.json(ctx, 404, "no_member", "No member has this user ID.");
      } else {
        audited(ctx, loginId, "admin.onboarding.reset", null).onComplete(v -> Pages.json(ctx, 200, result.result()));
      }
    });
  }

  private void undelivered(RoutingContext ctx) {
    outbox.undelivered(1000).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else {
        audited(ctx, null, "admin.mail.undelivered", null)
            .onComplete(v -> Pages.json(ctx, 200, new JsonObject().put("mails", result.result())));
      }
    });
  }

  private Future<Void> audited(RoutingContext ctx, String loginId, String kind, JsonObject detail) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    return audit.record(dev.sekisho.admin.AdminAuth.named(ctx, AuditEvent.of(null, loginId, kind, "ok", client)).with(detail));
  }
}
