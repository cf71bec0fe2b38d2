package dev.sekisho.factor.passkey;

import dev.sekisho.admin.AdminAuth;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.LoginIds;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The insurer's passkey calls: list a member's passkeys, and remove them all when a phone is lost
 * (J4): the member goes back to set-up and their sessions end. Mounted before the general admin
 * routes, with the admin token check on each route.
 */
public final class PasskeyAdminRoutes {
  static final String PATH = Paths.ADMIN_API + "/members/:userId/passkeys";

  private final PasskeyService passkeys;
  private final MemberRepository members;
  private final ClientAddress clientAddress;
  private final AdminAuth auth;
  private final AuditLog audit;
  private final SecurityNotices notices;

  public PasskeyAdminRoutes(PasskeyService passkeys, MemberRepository members, ClientAddress clientAddress, AdminAuth auth,
                            AuditLog audit, SecurityNotices notices) {
    this.notices = notices;
    this.passkeys = passkeys;
    this.audit = audit;
    this.members = members;
    this.clientAddress = clientAddress;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get(PATH).handler(auth).handler(this::list);
    router.delete(PATH).handler(auth).handler(this::removeAll);
  }

  private void list(RoutingContext ctx) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    members.findByLoginId(loginId).compose(member -> member == null ? Future.succeededFuture((JsonObject) null)
        : passkeys.list(member.id()).compose(keys -> audit.record(
            AdminAuth.named(ctx, AuditEvent.of(member.id(), loginId, "admin.passkeys.view", "ok", client))).map(keys)).map(keys -> {
          JsonArray out = new JsonArray();
          keys.forEach(k -> out.add(new JsonObject().put("id", k.id()).put("name", k.name())
              .put("createdAt", k.createdAt().toString())
              .put("lastUsedAt", k.lastUsedAt() == null ? null : k.lastUsedAt().toString())
              .put("backupEligible", k.backupEligible()).put("aaguid", k.aaguid())));
          return new JsonObject().put("userId", loginId).put("passkeys", out);
        })).onComplete(result -> {
          if (result.failed()) {
            ctx.fail(result.cause());
          } else if (result.result() == null) {
            Pages.json(ctx, 404, "no_member", "No member has this user ID.");
          } else {
            Pages.json(ctx, 200, result.result());
          }
        });
  }

  private void removeAll(RoutingContext ctx) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    members.findByLoginId(loginId)
        .compose(member -> member == null ? Future.succeededFuture(-1) : passkeys.removeAll(member.id(),
            AdminAuth.named(ctx, AuditEvent.of(member.id(), loginId, "admin.passkeys.remove_all", "ok", client))))
        .compose(removed -> removed < 0 ? Future.succeededFuture((JsonObject) null)
            : members.findByLoginId(loginId).compose(member -> told(member, removed).map(new JsonObject().put("userId", loginId)
                .put("removed", removed).put("onboardingState", member == null ? null : member.onboardingState().code()))))
        .onComplete(result -> {
          if (result.failed()) {
            ctx.fail(result.cause());
          } else if (result.result() == null) {
            Pages.json(ctx, 404, "no_member", "No member has this user ID.");
          } else {
            Pages.json(ctx, 200, result.result());
          }
        });
  }

  /**
   * Tells the member: back to set-up (passkeys were all they had), the insurer reset their
   * methods; with another method left, the insurer removed their passkeys.
   */
  private Future<Void> told(dev.sekisho.member.Member member, int removed) {
    if (member == null || removed == 0) {
      return Future.succeededFuture();
    }
    boolean reset = member.onboardingState() != MemberState.METHOD_SET_UP;
    return reset ? notices.send(member.id(), Notice.FACTORS_RESET_BY_INSURER, NoticeContext.byTheInsurer())
        : notices.send(member.id(), Notice.METHOD_REMOVED, NoticeContext.byTheInsurer().withMethod(Method.PASSKEY.code()));
  }
}
