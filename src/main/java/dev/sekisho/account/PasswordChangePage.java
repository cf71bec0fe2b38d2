package dev.sekisho.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.Member;
import dev.sekisho.onboarding.OnboardingSettings;
import dev.sekisho.session.SignIn;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The account page's password change: current password, new password twice (with the strength
 * meter of J1.8), and "end my other sessions". After the change the session takes a new id.
 */
public final class PasswordChangePage {
  public static final String PATH = "/sekisho/account/password";

  private final OwnPasswordChange service;
  private final OnboardingSettings settings;
  private final SignedInMember signedIn;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public PasswordChangePage(OwnPasswordChange service, OnboardingSettings settings, MemberRepository members,
                            ClientAddress clientAddress, Pages pages) {
    this.service = service;
    this.settings = settings;
    this.signedIn = new SignedInMember(members, pages);
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> signedIn.then(ctx, member -> show(ctx, 200, done(ctx.request().getParam("changed")))));
    router.post(PATH).handler(ctx -> signedIn.then(ctx, member -> submit(ctx, member)));
  }

  private void show(RoutingContext ctx, int status, JsonObject model) {
    pages.render(ctx, status, "account-password", model.put("minLength", settings.passwordMinLength())
        .put("maxLength", settings.passwordMaxLength()));
  }

  /** The page after a change (?changed=1, or =others when the other sessions were ended too). */
  private static JsonObject done(String changed) {
    if (changed == null) {
      return new JsonObject();
    }
    return new JsonObject().put("done", true).put("notice", "others".equals(changed)
        ? "account.password.changedOthersEnded" : "account.password.changed");
  }

  private void submit(RoutingContext ctx, Member member) {
    if (FormInput.hasMalformedField(ctx)) {
      show(ctx, 400, new JsonObject().put("error", "errors.malformed"));
      return;
    }
    int max = settings.passwordMaxLength();
    String current = FormInput.field(ctx, "current_password", max + 1);
    String password = FormInput.field(ctx, "password", max + 1);
    String again = FormInput.field(ctx, "password_confirm", max + 1);
    boolean endOthers = "on".equals(FormInput.field(ctx, "end_others", 8));
    if (current == null || current.isEmpty()) {
      show(ctx, 400, new JsonObject().put("error", "account.password.currentMissing"));
      return;
    }
    if (password == null || password.isEmpty()) {
      show(ctx, 400, new JsonObject().put("error", "onboarding.password.missing"));
      return;
    }
    if (!password.equals(again)) {
      show(ctx, 400, new JsonObject().put("error", "onboarding.password.mismatch"));
      return;
    }
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    service.change(member, current, password, endOthers, ctx.session().id(), client).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      OwnPasswordChange.Result result = done.result();
      switch (result.outcome()) {
        case CHANGED -> {
          SignIn.renewAfterCredentialChange(ctx.session());
          // Redirect after the POST: reloading the result must not send the old password again.
          pages.redirect(ctx, PATH + "?changed=" + (endOthers ? "others" : "1"));
        }
        case WRONG_CURRENT -> show(ctx, 400, new JsonObject().put("error", "account.password.wrongCurrent"));
        case LOCKED -> show(ctx, 429, new JsonObject().put("error", "login.locked"));
        case STALE -> show(ctx, 409, new JsonObject().put("error", "account.password.stale"));
        case PROBLEM -> show(ctx, 400, new JsonObject().put("error", result.problem()));
        default -> throw new IllegalStateException(result.outcome().name());
      }
    });
  }
}
