package dev.sekisho.onboarding;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The password change a member owes after the insurer set the password (password_must_change),
 * whatever the onboarding state: after the second factor, before the portal (GatewayAccess sends
 * such a session here and lets it through only once the flag is cleared). Same policy and page as
 * J1.8; the new password must differ from the one the insurer set.
 */
public final class PasswordChangeRoutes {
  private final OnboardingService service;
  private final MemberRepository members;
  private final ClientAddress clientAddress;
  private final Pages pages;
  private final SecurityNotices notices;

  /** @param notices tells the member by mail that the password changed (the insurer's reset was told too) */
  public PasswordChangeRoutes(OnboardingService service, MemberRepository members, ClientAddress clientAddress, Pages pages,
                              SecurityNotices notices) {
    this.notices = notices;
    this.service = service;
    this.members = members;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(Paths.PASSWORD_CHANGE).handler(ctx -> withMember(ctx, member -> show(ctx, 200, null)));
    router.post(Paths.PASSWORD_CHANGE).handler(ctx -> withMember(ctx, member -> submit(ctx, member)));
  }

  /** Only a complete sign-in of a member who owes the change; anyone else goes where they belong. */
  private void withMember(RoutingContext ctx, java.util.function.Consumer<Member> then) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null || MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, memberId == null ? Paths.LOGIN : Paths.HOME);
      return;
    }
    members.findById(memberId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
      } else if (!found.result().passwordMustChange()) {
        pages.redirect(ctx, "/");
      } else {
        then.accept(found.result());
      }
    });
  }

  private void show(RoutingContext ctx, int status, String error) {
    JsonObject model = new JsonObject().put("minLength", service.settings().passwordMinLength())
        .put("maxLength", service.settings().passwordMaxLength()).put("change", true).put("action", Paths.PASSWORD_CHANGE);
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "onboarding-password", model);
  }

  private void submit(RoutingContext ctx, Member member) {
    int max = service.settings().passwordMaxLength();
    String password = FormInput.field(ctx, "password", max + 1);
    String again = FormInput.field(ctx, "password_confirm", max + 1);
    if (password == null || password.isEmpty()) {
      show(ctx, 400, "onboarding.password.missing");
      return;
    }
    if (!password.equals(again)) {
      show(ctx, 400, "onboarding.password.mismatch");
      return;
    }
    service.passwordProblem(member, password).onComplete(checked -> {
      if (checked.failed()) {
        ctx.fail(checked.cause());
      } else if (checked.result() != null) {
        show(ctx, 400, checked.result());
      } else {
        change(ctx, member, password);
      }
    });
  }

  private void change(RoutingContext ctx, Member member, String password) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    Future<OnboardingService.Outcome> changed = service.changeSetPassword(member, password, client);
    changed.onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result() == OnboardingService.Outcome.SAME_PASSWORD) {
        show(ctx, 400, "onboarding.password.sameAsSet");
      } else if (done.result() == OnboardingService.Outcome.STALE) {
        // Changed meanwhile (another tab, or the insurer again): show the page as it now stands.
        pages.redirect(ctx, Paths.PASSWORD_CHANGE);
      } else {
        notices.send(member.id(), Notice.PASSWORD_CHANGED, NoticeContext.from(client))
            .onComplete(told -> pages.redirect(ctx, "/"));
      }
    });
  }
}
