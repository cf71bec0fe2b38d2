package dev.sekisho.config;

import java.util.Collection;
import java.util.Locale;

/** "did you mean …?" for a misspelt key or variable: the known name at the smallest edit distance. */
final class KeySuggestion {
  private KeySuggestion() {}

  /** " (did you mean X?)", or "" when nothing known is close enough to be a likely typo. */
  static String hint(String unknown, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(unknown.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    // A third of the name may be wrong: "login.maxFailure" finds "login.maxFailures", "foo" finds nothing.
    return best != null && bestDistance <= Math.max(2, unknown.length() / 3) ? " (did you mean " + best + "?)" : "";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
