package dev.sekisho.session;

import io.vertx.ext.web.Session;

/**
 * Who the session belongs to and how far they have authenticated. Only these accessors touch the
 * session keys, so the meaning of "logged in" lives in one place.
 */
public final class MemberSession {
  private static final String LOGIN_ID = "loginId";
  private static final String LEVEL = "authLevel";
  private static final String AUTHENTICATED_AT = "authenticatedAt";
  private static final String METHOD = "method";

  /** How far the session has come. */
  public enum Level {
    /** Nobody, or a visitor who has not passed the password step. */
    NONE,
    /** ID and password checked; onboarding or the second factor may still be ahead. */
    PASSWORD,
    /** The whole journey passed: the legacy portal may be reached. */
    COMPLETE
  }

  private MemberSession() {}

  /** Call on a session whose id was just regenerated; {@code client} is where the member signs in from. */
  public static void signIn(Session session, long memberId, String loginId, Level level, SignInClient client) {
    PgSessionStore.beginSignIn(session, client);
    session.put(PgSessionStore.MEMBER_KEY, memberId);
    session.put(LOGIN_ID, loginId);
    session.put(LEVEL, level.name());
    session.put(AUTHENTICATED_AT, System.currentTimeMillis());
  }

  public static void raise(Session session, Level level) {
    session.put(LEVEL, level.name());
  }

  /** The second factor that completed the sign-in (a Method code), shown to the portal as "method used". */
  public static void setMethod(Session session, String methodCode) {
    session.put(METHOD, methodCode);
  }

  /** The method code that completed the sign-in, or null before the second factor. */
  public static String method(Session session) {
    return session == null ? null : session.get(METHOD);
  }

  public static Level level(Session session) {
    if (session == null) {
      return Level.NONE;
    }
    String level = session.get(LEVEL);
    return level == null ? Level.NONE : Level.valueOf(level);
  }

  /** The member id, or null when nobody has signed in. */
  public static Long memberId(Session session) {
    if (session == null) {
      return null;
    }
    Object id = session.get(PgSessionStore.MEMBER_KEY);
    return id instanceof Number n ? n.longValue() : null;
  }

  public static String loginId(Session session) {
    return session == null ? null : session.get(LOGIN_ID);
  }
}
