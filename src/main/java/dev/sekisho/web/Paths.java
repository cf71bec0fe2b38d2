package dev.sekisho.web;

/**
 * The gateway's own URLs. Everything of the gateway lives under one prefix, so the legacy portal
 * proxied at "/" keeps every other path; only the operations endpoints sit at the root, where
 * orchestrators expect them.
 */
public final class Paths {
  public static final String PREFIX = "/sekisho";
  public static final String LOGIN = PREFIX + "/login";
  public static final String LOGOUT = PREFIX + "/logout";
  public static final String HOME = PREFIX + "/home";
  /** Where a member whose password the insurer set replaces it, after the second factor and before the portal. */
  public static final String PASSWORD_CHANGE = PREFIX + "/password/change";
  public static final String STATIC = PREFIX + "/static";
  public static final String ADMIN_API = PREFIX + "/admin/api";
  public static final String API = PREFIX + "/api";
  public static final String HEALTH = "/health";
  public static final String READY = "/ready";

  private Paths() {}

  /** Whether a path belongs to the gateway rather than to the portal behind it. */
  public static boolean isGatewayPath(String path) {
    return path != null && (path.equals(PREFIX) || path.startsWith(PREFIX + "/"));
  }
}
