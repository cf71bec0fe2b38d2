package dev.sekisho.member;

import java.text.Normalizer;

/** How a typed user ID becomes the key we store and look up. */
public final class LoginIds {
  public static final int MAX_LENGTH = 64;

  private LoginIds() {}

  /**
   * NFKC folds full-width letters, digits and spaces (typed with a Japanese IME) into their ASCII
   * forms; trimming after it also removes what was a full-width space. Case is kept: IDs are issued
   * by the insurer and compared exactly.
   */
  public static String normalize(String typed) {
    if (typed == null) {
      return "";
    }
    return Normalizer.normalize(typed, Normalizer.Form.NFKC).strip();
  }

  /** A normalised ID we can store: not empty, not too long, no control characters. */
  public static boolean isAcceptable(String normalized) {
    if (normalized.isEmpty() || normalized.length() > MAX_LENGTH) {
      return false;
    }
    return normalized.codePoints().noneMatch(cp -> Character.isISOControl(cp)
        || Character.getType(cp) == Character.FORMAT || Character.isWhitespace(cp));
  }
}
