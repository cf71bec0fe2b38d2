package dev.sekisho.staff;

import dev.sekisho.web.Paths;

/** The console's URLs, beside the JSON admin API (which stays under {@link Paths#ADMIN_API}). */
public final class StaffPaths {
  public static final String CONSOLE = Paths.PREFIX + "/admin";
  public static final String LOGIN = CONSOLE + "/login";
  public static final String LOGOUT = CONSOLE + "/logout";
  public static final String SETUP = CONSOLE + "/setup";
  public static final String MEMBERS = CONSOLE + "/members";
  public static final String STAFF = CONSOLE + "/staff";

  private StaffPaths() {}

  /** The set-up link for a token: what {@code staff add} prints and the console shows once. */
  public static String setupLink(String publicOrigin, String token) {
    return publicOrigin + SETUP + "?token=" + token;
  }
}
