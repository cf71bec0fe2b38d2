package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.Method;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignIn;
import dev.sekisho.session.SignInClient;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Sign-in with a passkey: as the second step after ID + password (J3.1), and, when
 * webauthn.passkeyFirst is on, as the whole sign-in from the login page (a discoverable passkey
 * names its member).
 */
final class PasskeySignInRoutes {
  static final String LOGIN_OPTIONS = PasskeyRoutes.VERIFY + "/options";
  static final String FIRST_OPTIONS = PasskeyRoutes.FIRST + "/options";
  private static final String LOGIN_CHALLENGE = "passkey.loginChallenge";
  private static final String DISCOVER_CHALLENGE = "passkey.discoverChallenge";

  private final PasskeyService passkeys;
  private final StageGuard guard;
  private final PasskeyPages shared;
  private final Pages pages;

  PasskeySignInRoutes(PasskeyService passkeys, StageGuard guard, PasskeyPages shared) {
    this.passkeys = passkeys;
    this.guard = guard;
    this.shared = shared;
    this.pages = shared.pages();
  }

  void mount(Router router) {
    router.get(PasskeyRoutes.VERIFY).handler(guard.requireStage(Stage.SECOND_STEP)).handler(this::verifyPage);
    router.post(LOGIN_OPTIONS).handler(guard.requireStageJson(Stage.SECOND_STEP)).handler(this::loginOptions);
    router.post(PasskeyRoutes.VERIFY).handler(guard.requireStageJson(Stage.SECOND_STEP)).handler(this::verify);
    if (passkeys.settings().passkeyFirst()) {
      router.get(PasskeyRoutes.FIRST).handler(this::firstPage);
      router.post(FIRST_OPTIONS).handler(this::anonymous).handler(this::firstOptions);
      router.post(PasskeyRoutes.FIRST).handler(this::anonymous).handler(this::firstVerify);
    }
  }

  // ---- the second step (J3.1)

  private void verifyPage(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    passkeys.otherMethods(member.id()).onComplete(others -> {
      if (others.failed()) {
        ctx.fail(others.cause());
        return;
      }
      pages.render(ctx, "passkey-verify", shared.ceremonyModel(ctx, "login")
          .put("otherMethods", !others.result().isEmpty()));
    });
  }

  private void loginOptions(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    shared.options(ctx, passkeys.loginOptions(member.id(), member.loginId()), LOGIN_CHALLENGE, true);
  }

  private void verify(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    JsonObject assertion = PasskeyPages.jsonBody(ctx);
    if (assertion == null) {
      shared.jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    // Removed before verifying: a challenge is good for one try, whatever its outcome.
    String challenge = ctx.session().remove(LOGIN_CHALLENGE);
    passkeys.verifyLogin(member.id(), member.loginId(), challenge, assertion, shared.client(ctx)).onComplete(result -> {
      if (result.failed()) {
        shared.refused(ctx, result.cause());
      } else {
        complete(ctx);
      }
    });
  }

  private void complete(RoutingContext ctx) {
    Journey.completeSignInJson(ctx, pages.sessions(), Method.PASSKEY).onComplete(location -> {
      if (location.failed()) {
        ctx.fail(location.cause());
      } else {
        Pages.json(ctx, 200, new JsonObject().put("location", location.result()));
      }
    });
  }

  // ---- passkey-first sign-in (optional, webauthn.passkeyFirst)

  private void firstPage(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.HOME);
      return;
    }
    pages.render(ctx, "passkey-login", shared.ceremonyModel(ctx, "discover")
        .put("optionsUrl", FIRST_OPTIONS).put("submitUrl", PasskeyRoutes.FIRST));
  }

  /** The passkey-first ceremony is for a visitor not signed in at all. */
  private void anonymous(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      shared.jsonError(ctx, 409, "passkey.errors.notNow");
    } else {
      ctx.next();
    }
  }

  private void firstOptions(RoutingContext ctx) {
    shared.options(ctx, passkeys.discoverOptions(), DISCOVER_CHALLENGE, false);
  }

  private void firstVerify(RoutingContext ctx) {
    JsonObject assertion = PasskeyPages.jsonBody(ctx);
    if (assertion == null) {
      shared.jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    String challenge = ctx.session().remove(DISCOVER_CHALLENGE);
    passkeys.verifyDiscoverable(challenge, assertion, shared.client(ctx)).onComplete(result -> {
      if (result.failed()) {
        shared.refused(ctx, result.cause());
        return;
      }
      // The same steps as a password login (new id, fresh CSRF token), then straight to complete.
      AuditEvent.Client client = shared.client(ctx);
      SignIn.upgrade(ctx.session(), result.result().memberId(), result.result().loginId(),
          new SignInClient(client.ip(), client.userAgent()));
      complete(ctx);
    });
  }
}
