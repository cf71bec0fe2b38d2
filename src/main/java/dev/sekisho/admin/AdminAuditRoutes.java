package dev.sekisho.admin;

import dev.sekisho.audit.AuditQuery;
import dev.sekisho.member.LoginIds;
import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;

/**
 * The audit log for the insurer: filter by member (user ID), kind (exact, or a family ending in
 * ".", like "login."), outcome and time range [from, to); newest first, paginated.
 */
final class AdminAuditRoutes {
  private final AuditQuery audit;
  private final AdminReply reply;

  AdminAuditRoutes(AuditQuery audit, AdminReply reply) {
    this.audit = audit;
    this.reply = reply;
  }

  void mount(Router router) {
    router.get(Paths.ADMIN_API + "/audit").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    String kind = "admin.audit.read";
    String userId;
    AuditQuery.Filter partial;
    int page;
    int size;
    try {
      String rawUser = AdminInput.text(ctx, "userId", 64);
      userId = rawUser == null ? null : LoginIds.normalize(rawUser);
      String eventKind = AdminInput.text(ctx, "kind", 64);
      if (eventKind != null && !eventKind.matches("[a-z0-9_.]+")) {
        throw new BadInput("bad_kind", "kind must be lower-case letters, digits, '_' and '.', like login.password or login.");
      }
      String outcome = AdminInput.text(ctx, "outcome", 64);
      if (outcome != null && !outcome.matches("[a-z0-9_]+")) {
        throw new BadInput("bad_outcome", "outcome must be lower-case letters, digits and '_', like success.");
      }
      OffsetDateTime from = AdminInput.time(ctx, "from");
      OffsetDateTime to = AdminInput.time(ctx, "to");
      if (from != null && to != null && !from.isBefore(to)) {
        throw new BadInput("bad_range", "from must be before to.");
      }
      page = AdminInput.page(ctx);
      size = AdminInput.size(ctx);
      partial = new AuditQuery.Filter(null, eventKind, outcome, from, to);
    } catch (BadInput bad) {
      reply.fail(ctx, kind, bad);
      return;
    }
    audit.search(new AuditQuery.Filter(userId, partial.kind(), partial.outcome(), partial.from(), partial.to()), page, size)
        .onComplete(found -> {
          if (found.failed()) {
            reply.fail(ctx, kind, found.cause());
            return;
          }
          JsonObject filter = new JsonObject().put("userId", userId).put("kind", partial.kind())
              .put("outcome", partial.outcome()).put("from", partial.from() == null ? null : partial.from().toString())
              .put("to", partial.to() == null ? null : partial.to().toString()).put("page", page).put("size", size);
          reply.ok(ctx, null, userId, kind, filter, found.result().put("filter", filter));
        });
  }
}
