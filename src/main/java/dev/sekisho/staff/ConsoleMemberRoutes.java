package dev.sekisho.staff;

import dev.sekisho.admin.MemberAdmin;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.LoginIds;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.onboarding.OnboardingAdmin;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The console's member search, member page and member actions. Each action runs the service the
 * JSON API runs ({@link MemberAdmin}, {@link OnboardingAdmin}, {@link LoginThrottle}) and its audit
 * event names the staff member; then the page is shown again with what was done (post, redirect, get).
 */
final class ConsoleMemberRoutes {
  private static final Set<String> SEARCH_FIELDS = Set.of("userId", "name", "email", "card");
  private static final int PAGE_SIZE = 20;

  private final MemberRepository members;
  private final MemberAdmin memberAdmin;
  private final OnboardingAdmin onboardingAdmin;
  private final LoginThrottle throttle;
  private final MemberView view;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;

  ConsoleMemberRoutes(MemberRepository members, MemberAdmin memberAdmin, OnboardingAdmin onboardingAdmin,
                      LoginThrottle throttle, MemberView view, StaffGuard guard, StaffAudit audit, Pages pages) {
    this.members = members;
    this.memberAdmin = memberAdmin;
    this.onboardingAdmin = onboardingAdmin;
    this.throttle = throttle;
    this.view = view;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
  }

  void mount(Router router) {
    router.get(StaffPaths.MEMBERS).handler(guard.require(Permission.READ)).handler(this::search);
    router.get(StaffPaths.MEMBERS + "/:userId").handler(guard.require(Permission.READ)).handler(this::memberPage);
    action(router, "unlock", Permission.UNLOCK, this::unlock);
    action(router, "deadline", Permission.EXTEND_DEADLINE, this::extendDeadline);
    action(router, "password", Permission.RESET_PASSWORD, this::resetPassword);
    action(router, "factors", Permission.RESET_FACTORS, (ctx, member) -> memberAdmin
        .resetFactors(member, event(ctx, member, "admin.members.factors_reset")).map((String) null));
    action(router, "sessions", Permission.END_SESSIONS, (ctx, member) -> memberAdmin
        .endSessions(member, event(ctx, member, "admin.members.sessions_end")).map((String) null));
    action(router, "onboarding", Permission.RESET_ONBOARDING, (ctx, member) -> onboardingAdmin.reset(member.loginId())
        .compose(done -> audit.record(event(ctx, member, "admin.onboarding.reset"))).map((String) null));
    action(router, "deactivate", Permission.DEACTIVATE, this::deactivate);
    action(router, "reactivate", Permission.DEACTIVATE, this::reactivate);
    router.post(StaffPaths.MEMBERS + "/:userId/remove").handler(guard.require(Permission.REMOVE)).handler(this::remove);
  }

  private void search(RoutingContext ctx) {
    String q = ctx.request().getParam("q");
    String by = ctx.request().getParam("by");
    JsonObject model = StaffGuard.model(ctx).put("by", by == null ? "userId" : by);
    if ("removed".equals(ctx.request().getParam("done"))) {
      model.put("notice", "staff.done.removed");
    }
    if (q == null || q.isBlank() || q.length() > 254 || (by != null && !SEARCH_FIELDS.contains(by))) {
      pages.render(ctx, "console-members", model);
      return;
    }
    String text = q.strip();
    String field = by == null ? "userId" : by;
    memberAdmin.search(field.equals("userId") ? LoginIds.normalize(text) : null, field.equals("name") ? text : null,
            field.equals("email") ? text : null, field.equals("card") ? text : null, 1, PAGE_SIZE)
        .onComplete(found -> {
          if (found.failed()) {
            ctx.fail(found.cause());
            return;
          }
          found.result().getJsonArray("members")
              .forEach(m -> ((JsonObject) m).put("path", memberPath(((JsonObject) m).getString("userId"))));
          StaffMember staff = StaffGuard.staff(ctx);
          audit.record(audit.event(ctx, staff.id(), null, null, "admin.members.search", "ok",
                  new JsonObject().put("by", field).put("found", found.result().getJsonArray("members").size())))
              .onComplete(v -> pages.render(ctx, "console-members", model.put("q", text).put("searched", true)
                  .mergeIn(found.result())));
        });
  }

  private void memberPage(RoutingContext ctx) {
    withMember(ctx, member -> view.of(member).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      JsonObject model = StaffGuard.model(ctx).put("member", result.result()).put("path", memberPath(member.loginId()));
      String done = ctx.request().getParam("done");
      if (done != null && done.matches("[a-z]{1,20}")) {
        model.put("notice", "staff.done." + done);
      }
      StaffMember staff = StaffGuard.staff(ctx);
      audit.record(audit.event(ctx, staff.id(), member.id(), member.loginId(), "admin.members.view", "ok", null))
          .onComplete(v -> pages.render(ctx, "console-member", model));
    }));
  }

  /**
   * A member action: the guard, then the member, then the action; its answer is a page to show
   * once (a password the staff member chose) or null for "back to the member page".
   */
  private void action(Router router, String name, Permission permission,
                      BiFunction<RoutingContext, Member, Future<String>> run) {
    router.post(StaffPaths.MEMBERS + "/:userId/" + name).handler(guard.require(permission))
        .handler(ctx -> withMember(ctx, member -> {
          Future<String> done;
          try {
            done = run.apply(ctx, member);
          } catch (Refused refused) {
            pages.redirect(ctx, memberPath(member.loginId()) + "?done=" + refused.getMessage());
            return;
          }
          done.onComplete(result -> {
            if (result.failed() && result.cause() instanceof Refused refused) {
              pages.redirect(ctx, memberPath(member.loginId()) + "?done=" + refused.getMessage());
            } else if (result.failed()) {
              ctx.fail(result.cause());
            } else if (result.result() != null) {
              pages.render(ctx, "console-shown", StaffGuard.model(ctx).put("userId", member.loginId())
                  .put("path", memberPath(member.loginId())).put("password", result.result()));
            } else {
              pages.redirect(ctx, memberPath(member.loginId()) + "?done=" + name);
            }
          });
        }));
  }

  private Future<String> unlock(RoutingContext ctx, Member member) {
    return throttle.unlock(LoginThrottle.idSubject(member.loginId()))
        .compose(byId -> throttle.unlock(LoginThrottle.otpSubject(member.id())).map(byCode -> byId || byCode))
        .compose(any -> audit.record(audit.event(ctx, StaffGuard.staff(ctx).id(), member.id(), member.loginId(),
            "admin.members.unlock", any ? "ok" : "not_locked", null)))
        .map((String) null);
  }

  private Future<String> extendDeadline(RoutingContext ctx, Member member) {
    String daysText = FormInput.field(ctx, "days", 3);
    if (daysText == null || !daysText.matches("\\d{1,3}") || Integer.parseInt(daysText) < 1 || Integer.parseInt(daysText) > 90) {
      throw new Refused("baddays");
    }
    int days = Integer.parseInt(daysText);
    return onboardingAdmin.extendDeadline(member.loginId(), days).compose(result -> audit.record(audit.event(ctx,
            StaffGuard.staff(ctx).id(), member.id(), member.loginId(), "admin.onboarding.deadline",
            result == null ? "not_setting_up" : "ok", new JsonObject().put("days", days)))
        .map(v -> {
          if (result == null) {
            throw new Refused("nodeadline");
          }
          return (String) null;
        }));
  }

  /** The console's confirmation: a box to tick, so one stray click changes nothing. */
  private static void requireConfirmed(RoutingContext ctx) {
    if (!"yes".equals(ctx.request().getFormAttribute("confirm"))) {
      throw new Refused("unconfirmed");
    }
  }

  private Future<String> deactivate(RoutingContext ctx, Member member) {
    requireConfirmed(ctx);
    return memberAdmin.lifecycle().deactivate(member, event(ctx, member, "admin.members.deactivate")).map(ended -> {
      if (ended == null) {
        throw new Refused("alreadydeactivated");
      }
      return (String) null;
    });
  }

  private Future<String> reactivate(RoutingContext ctx, Member member) {
    requireConfirmed(ctx);
    return memberAdmin.lifecycle().reactivate(member, event(ctx, member, "admin.members.reactivate")).map(changed -> {
      if (!changed) {
        throw new Refused("notdeactivated");
      }
      return (String) null;
    });
  }

  /**
   * Removal cannot be undone: the staff member types the user ID again. Afterwards the member page
   * is gone, so the answer is the search page with a notice.
   */
  private void remove(RoutingContext ctx) {
    withMember(ctx, member -> {
      String typed = FormInput.field(ctx, "confirm", 64);
      if (typed == null || !LoginIds.normalize(typed).equals(member.loginId())) {
        pages.redirect(ctx, memberPath(member.loginId()) + "?done=unconfirmedremove");
        return;
      }
      memberAdmin.lifecycle().remove(member, event(ctx, member, "admin.members.remove")).onComplete(done -> {
        if (done.failed()) {
          ctx.fail(done.cause());
        } else {
          pages.redirect(ctx, StaffPaths.MEMBERS + "?done=removed");
        }
      });
    });
  }

  /** To the card rule, or to a password the staff member typed, shown once on the next page. */
  private Future<String> resetPassword(RoutingContext ctx, Member member) {
    String given = "given".equals(ctx.request().getFormAttribute("to")) ? FormInput.field(ctx, "password", 128) : null;
    if (!"given".equals(ctx.request().getFormAttribute("to"))) {
      return memberAdmin.resetPassword(member, null, event(ctx, member, "admin.members.password_reset")).map(ended -> null);
    }
    if (given == null || given.length() < 8) {
      throw new Refused("weakpassword");
    }
    return memberAdmin.passwordProblem(member, given).compose(problem -> {
      if (problem != null) {
        return Future.failedFuture(new Refused("weakpassword"));
      }
      return memberAdmin.resetPassword(member, given, event(ctx, member, "admin.members.password_reset")).map(ended -> given);
    });
  }

  private AuditEvent event(RoutingContext ctx, Member member, String kind) {
    return audit.event(ctx, StaffGuard.staff(ctx).id(), member.id(), member.loginId(), kind, "ok", null);
  }

  private void withMember(RoutingContext ctx, java.util.function.Consumer<Member> then) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    if (!LoginIds.isAcceptable(loginId)) {
      pages.error(ctx, 404, "staff.errors.noMember");
      return;
    }
    members.findByLoginId(loginId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        pages.error(ctx, 404, "staff.errors.noMember");
      } else {
        then.accept(found.result());
      }
    });
  }

  static String memberPath(String loginId) {
    return StaffPaths.MEMBERS + "/" + URLEncoder.encode(loginId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A refused action: the member page again with this message key (staff.done.KEY), nothing changed. */
  private static final class Refused extends RuntimeException {
    Refused(String key) {
      super(key, null, false, false);
    }
  }
}
