package dev.sekisho.journey;

import dev.sekisho.member.Member;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.session.SignIn;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;

/**
 * Where a signed-in member goes next, and the one way a sign-in becomes complete. The onboarding
 * states (J1) are ordered; after them the member sets up the chosen method (J2), and from then on
 * verifies a method at each login (J3).
 */
public final class Journey {
  public static final String SETUP_PREFIX = "/sekisho/setup/";
  public static final String VERIFY = "/sekisho/verify";
  public static final String LOGIN = "/sekisho/login";
  private static final String RETURN_TO = "returnTo";

  private Journey() {}

  /**
   * The page a member must see right after the ID + password step: the current onboarding page
   * (J1.2–J1.9), the set-up of the chosen method (J2), or the method check of every later login (J3).
   * The login also passes the onboarding gate (terms re-acceptance, set-up deadline), see
   * OnboardingService.afterPassword.
   */
  public static String afterPassword(Member member) {
    return OnboardingFlow.pageFor(member.onboardingState(), member.chosenMethod());
  }

  /** The same from the two member columns it depends on (the gateway reads only those with the session). */
  public static String afterPassword(String onboardingState, String chosenMethod) {
    return OnboardingFlow.pageFor(MemberState.of(onboardingState), Method.fromCode(chosenMethod).orElse(null));
  }

  /**
   * Remembers the portal URL a visitor asked for before logging in. Only a same-site path is kept
   * (starts with one "/", no scheme, no backslash, no control characters): no open redirect.
   */
  public static void rememberReturnTo(Session session, String pathAndQuery) {
    if (isSafeReturnTo(pathAndQuery)) {
      session.put(RETURN_TO, pathAndQuery);
    }
  }

  public static boolean isSafeReturnTo(String target) {
    return target != null && target.length() <= 2048 && target.startsWith("/") && !target.startsWith("//")
        && !target.startsWith("/\\") && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\')
        && !target.startsWith("/sekisho/");
  }

  /**
   * The member passed the whole journey in this session: the session becomes COMPLETE under a new
   * id (the privilege changed), is stored before the answer, and the browser goes to the page
   * first asked for, or the portal's top page. The method that completed it is recorded in the
   * session: the gateway tells the portal which one was used.
   */
  public static void completeSignIn(RoutingContext ctx, Pages pages, Method method) {
    pages.redirect(ctx, complete(ctx.session(), method));
  }

  /** For JSON callers (the page scripts of passkeys, the OTP API): the same, answered with the target. */
  public static Future<String> completeSignInJson(RoutingContext ctx, SessionHandler sessions, Method method) {
    String location = complete(ctx.session(), method);
    return sessions.flush(ctx, true).map(v -> location);
  }

  /**
   * Makes a session complete under a new id and answers where to go; for code that stores the
   * session itself (the OTP API's one-statement check). Everyone else uses completeSignIn.
   */
  public static String complete(Session session, Method method) {
    // No method: a single-use recovery code stood in for the second factor.
    SignIn.upgrade(session, method == null ? SignIn.RECOVERY : method.code());
    String target = session.remove(RETURN_TO);
    return isSafeReturnTo(target) ? target : "/";
  }
}
