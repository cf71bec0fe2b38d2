package dev.sekisho.rules;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@code gateway.rules}: for requests to {@code host} (any host when null) whose
 * normalised path matches {@code path} (exact, prefix, or glob: {@code *} within a segment,
 * {@code **} across segments), the {@code action}. Paths and hosts are compared in lower case,
 * as {@link PathNormalizer} leaves the request's path.
 */
public record AccessRule(String host, Match match, String path, Action action, Pattern glob) {

  public enum Match { EXACT, PREFIX, GLOB }

  /** public: anyone, no identity passed; member: a complete session (today's default); deny: 403 for everyone. */
  public enum Action { PUBLIC, MEMBER, DENY }

  /** @throws IllegalArgumentException with a sentence saying what is wrong */
  public static AccessRule of(String host, String match, String path, String action) {
    if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("path must start with /, got '" + path + "'");
    }
    Match m = parse(Match.class, match == null ? "exact" : match, "match must be exact, prefix or glob");
    Action a = parse(Action.class, action, "action must be public, member or deny");
    String normalised = m == Match.GLOB ? path.toLowerCase(Locale.ROOT) : PathNormalizer.normalize(path);
    if (normalised == null) {
      throw new IllegalArgumentException("path must be a plain path (no encoded slashes or backslashes), got '" + path + "'");
    }
    if (a == Action.PUBLIC && (normalised.equals("/sekisho") || normalised.startsWith("/sekisho/"))) {
      throw new IllegalArgumentException("the gateway's own paths (/sekisho/...) follow their own rules, got '" + path + "'");
    }
    String h = host == null || host.isBlank() || host.equals("*") ? null : host.trim().toLowerCase(Locale.ROOT);
    return new AccessRule(h, m, normalised, a, m == Match.GLOB ? glob(normalised) : null);
  }

  /** Whether the rule applies to a request for this host (lower case, no port) and normalised path. */
  public boolean matches(String requestHost, String normalisedPath) {
    if (host != null && !host.equals(requestHost)) {
      return false;
    }
    return switch (match) {
      case EXACT -> normalisedPath.equals(path);
      case PREFIX -> path.endsWith("/") ? normalisedPath.startsWith(path) || normalisedPath.equals(path.substring(0, path.length() - 1))
          : normalisedPath.equals(path) || normalisedPath.startsWith(path + "/");
      case GLOB -> glob.matcher(normalisedPath).matches();
    };
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String message) {
    try {
      return Enum.valueOf(type, String.valueOf(value).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(message + ", got '" + value + "'");
    }
  }
}
