package dev.sekisho.factor.code;

import java.text.Normalizer;

/**
 * What a member typed as a code, made comparable: full-width digits become ASCII (NFKC), spaces
 * (also the ideographic space) and hyphens of any width are dropped. Anything else leaves it invalid.
 */
public final class CodeInput {
  private CodeInput() {}

  /** The digits, or null when the input is not digits-with-separators of the expected length. */
  public static String digits(String typed, int length) {
    if (typed == null || typed.length() > 64) {
      return null;
    }
    String s = Normalizer.normalize(typed, Normalizer.Form.NFKC);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        out.append(c);
      } else if (!(Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '-' || c == '\u2010' || c == '\u2011'
          || c == '\u2012' || c == '\u2013' || c == '\u2212' || c == '\u30fc')) {
        return null;
      }
    }
    return out.length() == length ? out.toString() : null;
  }
}
