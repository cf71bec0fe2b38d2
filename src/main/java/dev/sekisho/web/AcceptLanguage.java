package dev.sekisho.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Reads an Accept-Language header (RFC 9110 12.5.4) into its language tags, most wanted first.
 * vertx-web's own parser throws on values such as "-", ";" or ";q=1", which broke every page,
 * the error page included; this one never throws: a part it cannot read is skipped.
 */
public final class AcceptLanguage {
  /** Headers longer than this are read only this far (a page needs one tag, not a thousand). */
  static final int MAX_LENGTH = 1024;

  private AcceptLanguage() {}

  /** The tags (lower case, primary subtag and region as sent) with q above 0, by falling q, then order. */
  public static List<String> tags(String header) {
    List<String> tags = new ArrayList<>();
    if (header == null) {
      return tags;
    }
    String value = header.length() > MAX_LENGTH ? header.substring(0, MAX_LENGTH) : header;
    List<double[]> weights = new ArrayList<>();
    for (String part : value.split(",", 64)) {
      String[] pieces = part.split(";", 8);
      String tag = pieces[0].strip().toLowerCase(Locale.ROOT);
      if (!isTag(tag)) {
        continue;
      }
      double q = 1.0;
      for (int i = 1; i < pieces.length; i++) {
        String param = pieces[i].strip();
        if (param.startsWith("q=") || param.startsWith("Q=")) {
          q = quality(param.substring(2).strip());
        }
      }
      if (q > 0) {
        weights.add(new double[] {q, tags.size()});
        tags.add(tag);
      }
    }
    List<String> ordered = new ArrayList<>(tags.size());
    weights.stream().sorted(Comparator.<double[]>comparingDouble(w -> -w[0]).thenComparingDouble(w -> w[1]))
        .forEach(w -> ordered.add(tags.get((int) w[1])));
    return ordered;
  }

  /** "*" or 1-8 letters, then subtags of 1-8 letters or digits, joined by "-". */
  static boolean isTag(String tag) {
    return tag.equals("*") || tag.matches("[a-z]{1,8}(-[a-z0-9]{1,8})*");
  }

  /** A weight 0 to 1 with up to three decimals; anything else counts as 0 (not wanted). */
  static double quality(String value) {
    if (!value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
      return 0;
    }
    return Double.parseDouble(value);
  }
}
