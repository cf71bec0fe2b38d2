package dev.sekisho.factor.code;

import java.util.Locale;

/** RFC 4648 base32 without padding, as authenticator apps and otpauth URIs use it. */
public final class Base32 {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Base32() {}

  public static String encode(byte[] data) {
    StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /** Decodes, ignoring spaces, hyphens and padding, case-insensitively; null when not base32. */
  public static byte[] decode(String text) {
    String s = text.toUpperCase(Locale.ROOT).replaceAll("[\\s=\\-]", "");
    byte[] out = new byte[s.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      int v = ALPHABET.indexOf(s.charAt(i));
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out;
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
