package dev.sekisho.factor.code;

import org.apache.commons.codec.binary.Base32;

import java.util.Locale;

/**
 * RFC 4648 base32 as authenticator apps and otpauth URIs write it: without padding, read
 * case-insensitively with spaces and hyphens ignored. The coding itself is commons-codec's; this
 * class adds only those reading rules and the refusal of text that is not base32.
 */
public final class Base32Text {
  private static final Base32 CODEC = new Base32();

  private Base32Text() {}

  public static String encode(byte[] data) {
    return CODEC.encodeAsString(data).replace("=", "");
  }

  /** Decodes, ignoring spaces, hyphens and padding, case-insensitively; null when not base32. */
  public static byte[] decode(String text) {
    String s = text.toUpperCase(Locale.ROOT).replaceAll("[\\s=\\-]", "");
    // commons-codec skips characters outside the alphabet; a typing mistake must be refused instead.
    if (!s.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
      return null;
    }
    return CODEC.decode(s);
  }

  /** Groups of four for reading aloud or typing: "ABCD EFGH ...". */
  public static String grouped(String base32) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < base32.length(); i += 4) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(base32, i, Math.min(base32.length(), i + 4));
    }
    return out.toString();
  }
}
