package dev.sekisho.staff;

import dev.sekisho.web.Pages;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The one permission check of the console. The account is read on every request, so a role
 * change or a deactivation takes effect at once, not at the next sign-in. A refusal is audited
 * (kind staff.refused) and answers 403 without changing anything.
 */
public final class StaffGuard {
  static final String SESSION_KEY = "staffId";
  private static final String CONTEXT_KEY = "sekisho.staff";

  private final StaffStore store;
  private final StaffAudit audit;
  private final Pages pages;

  public StaffGuard(StaffStore store, StaffAudit audit, Pages pages) {
    this.store = store;
    this.audit = audit;
    this.pages = pages;
  }

  /** The signed-in staff member of this request (set by {@link #require}). */
  public static StaffMember staff(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  public Handler<RoutingContext> require(Permission permission) {
    return ctx -> {
      String id = ctx.session() == null ? null : ctx.session().get(SESSION_KEY);
      if (id == null) {
        pages.redirect(ctx, StaffPaths.LOGIN);
        return;
      }
      store.find(id).onComplete(found -> {
        if (found.failed()) {
          ctx.fail(found.cause());
          return;
        }
        StaffMember staff = found.result();
        if (staff == null || !staff.active()) {
          ctx.session().destroy();
          pages.redirect(ctx, StaffPaths.LOGIN);
          return;
        }
        if (!staff.role().may(permission)) {
          audit.record(audit.event(ctx, staff.id(), null, null, "staff.refused", "forbidden",
                  new JsonObject().put("permission", permission.name().toLowerCase(java.util.Locale.ROOT))
                      .put("role", staff.role().key()).put("method", ctx.request().method().name())
                      .put("path", ctx.normalizedPath())))
              .onComplete(v -> pages.error(ctx, 403, "staff.errors.forbidden"));
          return;
        }
        ctx.put(CONTEXT_KEY, staff);
        ctx.next();
      });
    };
  }

  /** The model every console page starts from: who is signed in and what they may do. */
  public static JsonObject model(RoutingContext ctx) {
    StaffMember staff = staff(ctx);
    JsonObject may = new JsonObject();
    for (Permission p : Permission.values()) {
      may.put(p.name().toLowerCase(java.util.Locale.ROOT), staff.role().may(p));
    }
    return new JsonObject().put("staff", new JsonObject().put("id", staff.id()).put("name", staff.name())
        .put("role", staff.role().key())).put("may", may);
  }
}
