package dev.sekisho.login;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignIn;
import dev.sekisho.session.SignInClient;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The login page (J1.1), logout, and the page a signed-in member lands on. */
public final class LoginRoutes {
  private final LoginService logins;
  private final MemberRepository members;
  private final ClientAddress clientAddress;
  private final Pages pages;
  /** Whether the login page offers passkey-first sign-in (webauthn.passkeyFirst). */
  private final boolean passkeyFirst;

  public LoginRoutes(LoginService logins, MemberRepository members, ClientAddress clientAddress, Pages pages,
                     boolean passkeyFirst) {
    this.logins = logins;
    this.members = members;
    this.clientAddress = clientAddress;
    this.pages = pages;
    this.passkeyFirst = passkeyFirst;
  }

  public void mount(Router router) {
    router.get(Paths.LOGIN).handler(this::showLogin);
    router.post(Paths.LOGIN).handler(this::submitLogin);
    // Portal pages link here (they cannot post the gateway's CSRF token): a page with the button.
    router.get(Paths.LOGOUT).handler(ctx -> pages.render(ctx, "logout", new JsonObject()));
    router.post(Paths.LOGOUT).handler(this::logout);
    router.get(Paths.HOME).handler(this::home);
  }

  private void showLogin(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.HOME);
      return;
    }
    JsonObject model = new JsonObject().put("passkeyFirst", passkeyFirst);
    if (ctx.request().getParam("bye") != null) {
      model.put("notice", "login.loggedOut");
    }
    pages.render(ctx, "login", model);
  }

  private void submitLogin(RoutingContext ctx) {
    if (FormInput.hasMalformedField(ctx)) {
      pages.error(ctx, 400, "errors.malformed");
      return;
    }
    String typedId = FormInput.field(ctx, "user_id", 256);
    String password = FormInput.field(ctx, "password", LoginService.MAX_PASSWORD_LENGTH + 1);
    if (typedId == null || password == null || typedId.isBlank() || password.isEmpty()) {
      pages.render(ctx, 400, "login", new JsonObject().put("error", "login.missing").put("userId", typedId));
      return;
    }
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    logins.login(typedId, password, client).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      LoginResult login = result.result();
      switch (login.outcome()) {
        case SUCCESS -> signIn(ctx, login.member(), login.next(), client);
        case LOCKED -> pages.render(ctx, 429, "login", new JsonObject().put("error", "login.locked").put("userId", typedId));
        case SETUP_EXPIRED -> pages.render(ctx, 403, "login", new JsonObject().put("error", "login.setupExpired").put("userId", typedId));
        case DEACTIVATED -> pages.render(ctx, 403, "login", new JsonObject().put("error", "login.deactivated").put("userId", typedId));
        default -> pages.render(ctx, 401, "login", new JsonObject().put("error", "login.invalid").put("userId", typedId));
      }
    });
  }

  private void signIn(RoutingContext ctx, Member member, String next, AuditEvent.Client client) {
    // A new session id at login defeats session fixation; the pre-login CSRF token goes with it.
    SignIn.upgrade(ctx.session(), member.id(), member.loginId(), new SignInClient(client.ip(), client.userAgent()));
    // Security notices reach the member outside their requests too: in the language of this login.
    members.rememberLanguage(member.id(), pages.i18n().language(ctx))
        .onComplete(kept -> pages.redirect(ctx, next != null ? next : Journey.afterPassword(member)));
  }

  private void logout(RoutingContext ctx) {
    ctx.session().destroy();
    pages.redirect(ctx, Paths.LOGIN + "?bye=1");
  }

  private void home(RoutingContext ctx) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    members.findById(memberId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      Member member = found.result();
      if (member == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
        return;
      }
      pages.render(ctx, "home", new JsonObject()
          .put("name", member.name())
          .put("userId", member.loginId())
          .put("state", member.onboardingState().code())
          .put("mustChangePassword", member.passwordMustChange()));
    });
  }
}
