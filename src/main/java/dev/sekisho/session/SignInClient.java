package dev.sekisho.session;

/**
 * The browser and address a sign-in was made from, kept with its session row so the member's list
 * of sessions can show them. Both are capped: the user-agent header is the client's to choose.
 */
public record SignInClient(String address, String userAgent) {
  /** Longer user-agent headers are cut: no legitimate browser sends more, and the row stays small. */
  static final int MAX_USER_AGENT = 512;
  static final int MAX_ADDRESS = 64;

  public SignInClient {
    address = cap(address, MAX_ADDRESS);
    userAgent = cap(userAgent, MAX_USER_AGENT);
  }

  private static String cap(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
