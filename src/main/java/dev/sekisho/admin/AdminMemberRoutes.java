package dev.sekisho.admin;

import dev.sekisho.member.LoginIds;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BiConsumer;

/** Member search and the insurer's changes to one member: password, factors, sessions. */
final class AdminMemberRoutes {
  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 1024;

  private final MemberRepository members;
  private final MemberAdmin admin;
  private final AdminReply reply;

  AdminMemberRoutes(MemberRepository members, MemberAdmin admin, AdminReply reply) {
    this.members = members;
    this.admin = admin;
    this.reply = reply;
  }

  void mount(Router router) {
    router.get(Paths.ADMIN_API + "/members").handler(this::search);
    router.post(Paths.ADMIN_API + "/members/:userId/password").handler(this::resetPassword);
    router.post(Paths.ADMIN_API + "/members/:userId/factors/reset").handler(this::resetFactors);
    router.post(Paths.ADMIN_API + "/members/:userId/sessions/end").handler(this::endSessions);
    new AdminLifecycleRoutes(this, admin.lifecycle(), reply).mount(router);
  }

  private void search(RoutingContext ctx) {
    String kind = "admin.members.search";
    try {
      String idPrefix = AdminInput.text(ctx, "userIdPrefix", 64);
      String name = AdminInput.text(ctx, "name", 100);
      String email = AdminInput.text(ctx, "email", 254);
      int page = AdminInput.page(ctx);
      int size = AdminInput.size(ctx);
      String normalizedPrefix = idPrefix == null ? null : LoginIds.normalize(idPrefix);
      JsonObject filter = new JsonObject().put("userIdPrefix", normalizedPrefix).put("name", name).put("email", email)
          .put("page", page).put("size", size);
      admin.search(normalizedPrefix, name, email, page, size).onComplete(found -> {
        if (found.failed()) {
          reply.fail(ctx, kind, found.cause());
        } else {
          reply.ok(ctx, null, null, kind, filter.put("found", found.result().getJsonArray("members").size()), found.result());
        }
      });
    } catch (BadInput bad) {
      reply.fail(ctx, kind, bad);
    }
  }

  private void resetPassword(RoutingContext ctx) {
    String kind = "admin.members.password_reset";
    withMember(ctx, kind, (member, body) -> {
      Object given = body.getValue("password");
      if (given != null && !(given instanceof String)) {
        throw new BadInput("bad_password", "password must be text, or left out to reset to the issued rule.");
      }
      String password = (String) given;
      if (password != null && (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD
          || password.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || password.isBlank())) {
        throw new BadInput("bad_password", "password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD
            + " characters without control characters, or left out to reset to the issued rule.");
      }
      Future<String> policy = password == null ? Future.succeededFuture() : admin.passwordProblem(member, password);
      policy.onComplete(checked -> {
        if (checked.failed()) {
          reply.fail(ctx, kind, checked.cause());
        } else if (checked.result() != null) {
          String problem = checked.result();
          // As withMember answers a BadInput thrown before this asynchronous check.
          reply.refuse(ctx, member.id(), member.loginId(), kind, 400, "weak_password",
              "password does not meet the members' password policy (" + problem.substring(problem.lastIndexOf('.') + 1)
              + ": too short or long, easily guessed, or derived from the member's user ID, birthdate or card);"
              + " choose another, or leave it out to reset to the issued rule.");
        } else {
          reset(ctx, kind, member, password);
        }
      });
    });
  }

  private void reset(RoutingContext ctx, String kind, Member member, String password) {
    admin.resetPassword(member, password, reply.event(ctx, member.id(), member.loginId(), kind, "ok"))
        .onComplete(done -> {
          if (done.failed()) {
            reply.fail(ctx, kind, done.cause());
          } else {
            reply.sent(ctx, new JsonObject().put("userId", member.loginId()).put("passwordMustChange", true)
                .put("to", password == null ? "rule" : "given").put("sessionsEnded", done.result()));
          }
        });
  }

  private void resetFactors(RoutingContext ctx) {
    String kind = "admin.members.factors_reset";
    withMember(ctx, kind, (member, body) -> admin.resetFactors(member, reply.event(ctx, member.id(), member.loginId(), kind, "ok"))
        .onComplete(done -> {
          if (done.failed()) {
            reply.fail(ctx, kind, done.cause());
          } else {
            reply.sent(ctx, done.result().copy().put("userId", member.loginId()));
          }
        }));
  }

  private void endSessions(RoutingContext ctx) {
    String kind = "admin.members.sessions_end";
    withMember(ctx, kind, (member, body) -> admin.endSessions(member, reply.event(ctx, member.id(), member.loginId(), kind, "ok"))
        .onComplete(done -> {
          if (done.failed()) {
            reply.fail(ctx, kind, done.cause());
          } else {
            reply.sent(ctx, new JsonObject().put("userId", member.loginId()).put("sessionsEnded", done.result()));
          }
        }));
  }

  /** Validates the path and body, finds the member (404 otherwise), then runs the action. */
  void withMember(RoutingContext ctx, String kind, BiConsumer<Member, JsonObject> action) {
    String loginId;
    JsonObject body;
    try {
      loginId = AdminInput.loginId(ctx);
      body = AdminInput.body(ctx);
    } catch (BadInput bad) {
      reply.fail(ctx, kind, bad);
      return;
    }
    members.findByLoginId(loginId).onComplete(found -> {
      if (found.failed()) {
        reply.fail(ctx, kind, found.cause());
      } else if (found.result() == null) {
        reply.refuse(ctx, null, loginId, kind, 404, "no_member", "No member has this user ID.");
      } else {
        Member member = found.result();
        try {
          action.accept(member, body);
        } catch (BadInput bad) {
          reply.refuse(ctx, member.id(), member.loginId(), kind, 400, bad.code(), bad.getMessage());
        }
      }
    });
  }

}
