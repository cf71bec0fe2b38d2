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
    if (typed == null || typed.indexOf('\0') >= 0) {
      // A NUL can never be part of a stored ID (PostgreSQL text cannot hold it, and a query
      // carrying one fails with 22021, which the fuzz suite saw as a 500 from /sekisho/api/login
      // and the admin API). Such an ID reads as empty: unknown everywhere, refused by isAcceptable.
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
