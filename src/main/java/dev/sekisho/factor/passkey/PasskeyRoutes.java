package dev.sekisho.factor.passkey;

import dev.sekisho.factor.SetupCompletion;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.ext.web.Router;

/**
 * The passkey pages and the JSON endpoints webroot/static/passkey.js calls (CSRF header,
 * session-bound challenges), mounted together: set-up (PasskeyRegistrationRoutes), sign-in
 * (PasskeySignInRoutes) and the member's management page (PasskeyManageRoutes).
 */
public final class PasskeyRoutes {
  public static final String SETUP = Journey.SETUP_PREFIX + "passkey";
  public static final String VERIFY = Journey.VERIFY + "/passkey";
  public static final String MANAGE = Paths.PREFIX + "/account/passkeys";
  public static final String FIRST = Paths.LOGIN + "/passkey";

  private final PasskeyRegistrationRoutes registration;
  private final PasskeySignInRoutes signIn;
  private final PasskeyManageRoutes manage;

  public PasskeyRoutes(PasskeyService passkeys, MemberRepository members, ClientAddress clientAddress, Pages pages,
                       SetupCompletion setupCompletion, SecurityNotices notices) {
    StageGuard guard = new StageGuard(members, pages);
    PasskeyPages shared = new PasskeyPages(clientAddress, pages);
    this.registration = new PasskeyRegistrationRoutes(passkeys, guard, shared, setupCompletion, notices);
    this.signIn = new PasskeySignInRoutes(passkeys, guard, shared);
    this.manage = new PasskeyManageRoutes(passkeys, guard, shared, notices);
  }

  public void mount(Router router) {
    registration.mount(router);
    signIn.mount(router);
    manage.mount(router);
  }
}
