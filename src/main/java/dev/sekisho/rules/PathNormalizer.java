package dev.sekisho.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Brings a request path to the one form the access rules are matched against, once, before any
 * rule is read. A rule that protects {@code /admin} must see {@code /Admin}, {@code //admin},
 * {@code /x/../admin}, {@code /%61dmin} and {@code /admin;jsessionid=1} as {@code /admin}, because
 * the portal behind may well serve them as such (the CVE class of per-path rules: the matcher and
 * the application disagree about the path). What cannot be read one way only is refused instead:
 * an encoded slash or backslash, a backslash, an encoding left after decoding once (double
 * encoding), control characters.
 *
 * <p>Steps: refuse the ambiguous; drop {@code ;parameters} from every segment; decode
 * percent-escapes once; refuse what is still encoded; collapse empty segments ({@code //});
 * resolve {@code .} and {@code ..} (never above the root); lower-case (portals on case-insensitive
 * file systems serve {@code /ADMIN} as {@code /admin}). A trailing slash is kept.
 */
public final class PathNormalizer {
  private PathNormalizer() {}

  /** The normalised path, or null when the path is ambiguous and must be refused (400). */
  public static String normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    String lower = rawPath.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c") || rawPath.indexOf('\\') >= 0 || lower.contains("%00")) {
      return null;
    }
    String decoded = decodeOnce(withoutParameters(rawPath));
    if (decoded == null || decoded.indexOf('%') >= 0 || decoded.indexOf('\\') >= 0
        || decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return null;
    }
    boolean trailingSlash = decoded.endsWith("/") && decoded.length() > 1;
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : decoded.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    String joined = "/" + String.join("/", segments);
    if (trailingSlash && !joined.equals("/")) {
      joined += "/";
    }
    return joined.toLowerCase(Locale.ROOT);
  }

  /** {@code /a;x=1/b;y} to {@code /a/b}: the path parameters servlet containers strip before routing. */
  private static String withoutParameters(String path) {
    if (path.indexOf(';') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    boolean inParameter = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/') {
        inParameter = false;
        out.append(c);
      } else if (c == ';') {
        inParameter = true;
      } else if (!inParameter) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Percent-decoding, once, as UTF-8; null for a malformed escape or bytes that are not UTF-8. */
  private static String decodeOnce(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        if (i + 2 >= path.length()) {
          return null;
        }
        int hi = Character.digit(path.charAt(i + 1), 16);
        int lo = Character.digit(path.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      }
    }
    try {
      return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
