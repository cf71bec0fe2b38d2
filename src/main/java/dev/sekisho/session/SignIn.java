package dev.sekisho.session;

import dev.sekisho.web.Csrf;
import io.vertx.ext.web.Session;

/**
 * The one way a session rises to a higher level: after the password (PASSWORD) and after the
 * second factor (COMPLETE). Each rise takes a new session id (no fixation across a privilege
 * change) and a new CSRF token (none seen at the lower level stays good).
 */
public final class SignIn {
  /** The method recorded when a single-use recovery code stood in for the second factor. */
  public static final String RECOVERY = "recovery";

  private SignIn() {}

  /**
   * ID and password passed: the session now names the member, at the PASSWORD level, and records
   * the browser and address signed in from (the member's list of sessions).
   */
  public static void upgrade(Session session, long memberId, String loginId, SignInClient client) {
    renew(session);
    MemberSession.signIn(session, memberId, loginId, MemberSession.Level.PASSWORD, client);
  }

  /**
   * A second factor passed: the session is COMPLETE, and records the method (a Method code, or
   * {@link #RECOVERY}) that the gateway shows the portal as "method used".
   */
  public static void upgrade(Session session, String methodUsed) {
    renew(session);
    MemberSession.setMethod(session, methodUsed);
    MemberSession.raise(session, MemberSession.Level.COMPLETE);
  }

  /**
   * The member changed a credential (password) from a signed-in session: the session keeps its
   * level but takes a new id and CSRF token, so an id seen before the change is worth nothing.
   */
  public static void renewAfterCredentialChange(Session session) {
    renew(session);
  }

  private static void renew(Session session) {
    session.regenerateId();
    Csrf.renewAtSignIn(session);
  }
}
