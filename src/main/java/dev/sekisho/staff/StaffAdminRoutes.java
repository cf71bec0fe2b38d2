package dev.sekisho.staff;

import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Staff management (the admin role): the list of accounts, adding one (its set-up link is shown
 * once, like the command line prints it) and deactivating or reactivating one.
 */
final class StaffAdminRoutes {
  private final StaffStore store;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;
  private final String publicOrigin;

  StaffAdminRoutes(StaffStore store, StaffGuard guard, StaffAudit audit, Pages pages, String publicOrigin) {
    this.store = store;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
    this.publicOrigin = publicOrigin;
  }

  void mount(Router router) {
    router.get(StaffPaths.STAFF).handler(guard.require(Permission.MANAGE_STAFF)).handler(this::list);
    router.post(StaffPaths.STAFF).handler(guard.require(Permission.MANAGE_STAFF)).handler(this::add);
    router.post(StaffPaths.STAFF + "/:id/active").handler(guard.require(Permission.MANAGE_STAFF)).handler(this::setActive);
  }

  private void list(RoutingContext ctx) {
    list(ctx, StaffGuard.model(ctx), 200);
  }

  private void list(RoutingContext ctx, JsonObject model, int status) {
    store.list().onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonArray accounts = new JsonArray();
      for (StaffMember s : found.result()) {
        accounts.add(new JsonObject().put("id", s.id()).put("name", s.name()).put("role", s.role().key())
            .put("active", s.active()).put("setUp", s.setUp())
            .put("lastLoginAt", s.lastLoginAt() == null ? null : s.lastLoginAt().toString()));
      }
      pages.render(ctx, status, "console-staff", model.put("accounts", accounts));
    });
  }

  private void add(RoutingContext ctx) {
    String id = FormInput.field(ctx, "staff_id", 64);
    String name = FormInput.field(ctx, "name", 100);
    Role role = Role.parse(ctx.request().getFormAttribute("role"));
    if (id == null || !id.strip().matches("[A-Za-z0-9._@-]{2,64}") || name == null || name.isBlank() || role == null) {
      list(ctx, StaffGuard.model(ctx).put("error", "staff.manage.bad"), 400);
      return;
    }
    String staffId = id.strip();
    String by = StaffGuard.staff(ctx).id();
    store.add(staffId, name.strip(), role, by).onComplete(added -> {
      if (added.failed() && added.cause() instanceof StaffStore.Taken) {
        audit.record(audit.event(ctx, by, null, null, "staff.add", "taken", new JsonObject().put("account", staffId)))
            .onComplete(v -> list(ctx, StaffGuard.model(ctx).put("error", "staff.manage.taken"), 409));
      } else if (added.failed()) {
        ctx.fail(added.cause());
      } else {
        audit.record(audit.event(ctx, by, null, null, "staff.add", "ok",
                new JsonObject().put("account", staffId).put("role", role.key())))
            .onComplete(v -> list(ctx, StaffGuard.model(ctx).put("added", staffId)
                .put("link", StaffPaths.setupLink(publicOrigin, added.result())), 200));
      }
    });
  }

  private void setActive(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    boolean active = "true".equals(ctx.request().getFormAttribute("active"));
    String by = StaffGuard.staff(ctx).id();
    if (id.equals(by)) {
      // Nobody locks themselves out; another administrator can.
      list(ctx, StaffGuard.model(ctx).put("error", "staff.manage.self"), 400);
      return;
    }
    store.setActive(id, active).compose(changed -> audit.record(audit.event(ctx, by, null, null,
            active ? "staff.reactivate" : "staff.deactivate", changed ? "ok" : "no_account",
            new JsonObject().put("account", id))))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else {
            pages.redirect(ctx, StaffPaths.STAFF);
          }
        });
  }
}
