package dev.sekisho.factor.passkey;

/**
 * A default passkey name from the browser and OS in the User-Agent ("Chrome (Windows)"), so a
 * member who just presses 次へ still gets a name that tells devices apart.
 */
public final class DeviceName {
  static final int MAX_LENGTH = 60;

  private DeviceName() {}

  public static String from(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "Passkey";
    }
    String ua = userAgent;
    String os = ua.contains("iPhone") ? "iPhone" : ua.contains("iPad") ? "iPad" : ua.contains("Android") ? "Android"
        : ua.contains("Windows") ? "Windows" : ua.contains("CrOS") ? "ChromeOS"
        : ua.contains("Mac OS X") || ua.contains("Macintosh") ? "Mac" : ua.contains("Linux") ? "Linux" : null;
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    String browser = ua.contains("Edg/") || ua.contains("EdgA/") || ua.contains("EdgiOS/") ? "Edge"
        : ua.contains("OPR/") ? "Opera" : ua.contains("SamsungBrowser/") ? "Samsung Internet"
        : ua.contains("Firefox/") || ua.contains("FxiOS/") ? "Firefox"
        : ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") ? "Chrome"
        : ua.contains("Safari/") ? "Safari" : null;
    if (browser == null && os == null) {
      return "Passkey";
    }
    if (browser == null) {
      return os;
    }
    return os == null ? browser : browser + " (" + os + ")";
  }

  /** A member-typed name, trimmed, single-line, bounded; null when nothing usable is left. */
  static String clean(String typed) {
    if (typed == null) {
      return null;
    }
    String name = typed.replaceAll("\\p{Cntrl}", " ").strip().replaceAll("\\s+", " ");
    if (name.isEmpty()) {
      return null;
    }
    return name.codePointCount(0, name.length()) > MAX_LENGTH
        ? name.substring(0, name.offsetByCodePoints(0, MAX_LENGTH)) : name;
  }
}
