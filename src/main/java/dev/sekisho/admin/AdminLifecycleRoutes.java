package dev.sekisho.admin;

import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The API calls for a member's standing (資格喪失): deactivate, reactivate, remove. A call that
 * would change nothing (deactivating a deactivated member) answers 409 and is audited as refused.
 * Removal cannot be undone, so it asks for the user ID again in the body ({@code confirm}).
 */
final class AdminLifecycleRoutes {
  private final AdminMemberRoutes memberRoutes;
  private final MemberLifecycle lifecycle;
  private final AdminReply reply;

  AdminLifecycleRoutes(AdminMemberRoutes memberRoutes, MemberLifecycle lifecycle, AdminReply reply) {
    this.memberRoutes = memberRoutes;
    this.lifecycle = lifecycle;
    this.reply = reply;
  }

  void mount(Router router) {
    router.post(Paths.ADMIN_API + "/members/:userId/deactivate").handler(this::deactivate);
    router.post(Paths.ADMIN_API + "/members/:userId/reactivate").handler(this::reactivate);
    router.post(Paths.ADMIN_API + "/members/:userId/remove").handler(this::remove);
  }

  private void deactivate(RoutingContext ctx) {
    String kind = "admin.members.deactivate";
    memberRoutes.withMember(ctx, kind, (member, body) -> lifecycle
        .deactivate(member, reply.event(ctx, member.id(), member.loginId(), kind, "ok")).onComplete(done -> {
          if (done.failed()) {
            reply.fail(ctx, kind, done.cause());
          } else if (done.result() == null) {
            reply.refuse(ctx, member.id(), member.loginId(), kind, 409, "already_deactivated",
                "This member is already deactivated; nothing was changed.");
          } else {
            reply.sent(ctx, new JsonObject().put("userId", member.loginId()).put("active", false)
                .put("sessionsEnded", done.result()));
          }
        }));
  }

  private void reactivate(RoutingContext ctx) {
    String kind = "admin.members.reactivate";
    memberRoutes.withMember(ctx, kind, (member, body) -> lifecycle
        .reactivate(member, reply.event(ctx, member.id(), member.loginId(), kind, "ok")).onComplete(done -> {
          if (done.failed()) {
            reply.fail(ctx, kind, done.cause());
          } else if (!done.result()) {
            reply.refuse(ctx, member.id(), member.loginId(), kind, 409, "not_deactivated",
                "This member is active; nothing was changed.");
          } else {
            reply.sent(ctx, new JsonObject().put("userId", member.loginId()).put("active", true));
          }
        }));
  }

  private void remove(RoutingContext ctx) {
    String kind = "admin.members.remove";
    memberRoutes.withMember(ctx, kind, (member, body) -> {
      if (!member.loginId().equals(body.getValue("confirm"))) {
        throw new BadInput("confirm_required", "Removal erases the member and cannot be undone: send"
            + " {\"confirm\": \"<the member's user ID>\"} to confirm.");
      }
      lifecycle.remove(member, reply.event(ctx, member.id(), member.loginId(), kind, "ok")).onComplete(done -> {
        if (done.failed()) {
          reply.fail(ctx, kind, done.cause());
        } else if (done.result() == null) {
          reply.refuse(ctx, null, member.loginId(), kind, 404, "no_member", "No member has this user ID.");
        } else {
          reply.sent(ctx, done.result().copy().put("userId", member.loginId()).put("removed", true));
        }
      });
    });
  }
}
