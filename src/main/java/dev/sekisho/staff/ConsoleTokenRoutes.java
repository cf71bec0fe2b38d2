package dev.sekisho.staff;

import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A staff member's own API tokens for the JSON admin API: create one (role no wider than their own,
 * expiry in days; the token is shown once), see them, revoke one. Every change is audited.
 */
final class ConsoleTokenRoutes {
  static final String TOKENS = StaffPaths.CONSOLE + "/tokens";

  private final StaffTokens tokens;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;

  ConsoleTokenRoutes(StaffTokens tokens, StaffGuard guard, StaffAudit audit, Pages pages) {
    this.tokens = tokens;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
  }

  void mount(Router router) {
    router.get(TOKENS).handler(guard.require(Permission.READ)).handler(ctx -> list(ctx, StaffGuard.model(ctx), 200));
    router.post(TOKENS).handler(guard.require(Permission.READ)).handler(this::create);
    router.post(TOKENS + "/:id/revoke").handler(guard.require(Permission.READ)).handler(this::revoke);
  }

  private void list(RoutingContext ctx, JsonObject model, int status) {
    StaffMember staff = StaffGuard.staff(ctx);
    tokens.list(staff.id()).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonArray roles = new JsonArray();
      for (Role role : Role.values()) {
        if (staff.role().covers(role)) {
          roles.add(role.key());
        }
      }
      pages.render(ctx, status, "console-tokens", model.put("tokens", found.result()).put("roles", roles));
    });
  }

  private void create(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    String label = FormInput.field(ctx, "label", 100);
    Role role = Role.parse(ctx.request().getFormAttribute("role"));
    String daysText = FormInput.field(ctx, "days", 3);
    if (label == null || label.isBlank() || role == null || !staff.role().covers(role) || daysText == null
        || !daysText.matches("\\d{1,3}") || Integer.parseInt(daysText) < 1 || Integer.parseInt(daysText) > 365) {
      audit.record(audit.event(ctx, staff.id(), null, null, "staff.token.create", "refused",
              new JsonObject().put("role", ctx.request().getFormAttribute("role"))))
          .onComplete(v -> list(ctx, StaffGuard.model(ctx).put("error", "staff.tokens.bad"), 400));
      return;
    }
    int days = Integer.parseInt(daysText);
    tokens.create(staff.id(), label.strip(), role, days)
        .compose(token -> audit.record(audit.event(ctx, staff.id(), null, null, "staff.token.create", "ok",
            new JsonObject().put("label", label.strip()).put("role", role.key()).put("days", days))).map(token))
        .onComplete(made -> {
          if (made.failed()) {
            ctx.fail(made.cause());
          } else {
            list(ctx, StaffGuard.model(ctx).put("newToken", made.result()), 200);
          }
        });
  }

  private void revoke(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    String idText = ctx.pathParam("id");
    if (idText == null || !idText.matches("\\d{1,18}")) {
      pages.error(ctx, 404, "errors.notFound");
      return;
    }
    long id = Long.parseLong(idText);
    tokens.revoke(staff.id(), id)
        .compose(done -> audit.record(audit.event(ctx, staff.id(), null, null, "staff.token.revoke",
            done ? "ok" : "not_found", new JsonObject().put("token", id))))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else {
            pages.redirect(ctx, TOKENS);
          }
        });
  }
}
