package dev.sekisho.member;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Validation of an address typed on the email page (J1.4). Deliberately conservative: one @, a
 * dotted domain, printable ASCII only, at most 254 characters (RFC 5321). Full-width input is
 * folded first (NFKC) since Japanese keyboards often produce it.
 */
public final class EmailAddresses {
  private static final Pattern VALID = Pattern.compile(
      "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  private EmailAddresses() {}

  /** The normalised address, or null when it is not acceptable. */
  public static String normalize(String typed) {
    if (typed == null) {
      return null;
    }
    String address = Normalizer.normalize(typed, Normalizer.Form.NFKC).trim();
    if (address.length() > 254 || !VALID.matcher(address).matches() || address.startsWith(".")
        || address.contains("..") || address.substring(0, address.indexOf('@')).endsWith(".")) {
      return null;
    }
    int at = address.indexOf('@');
    // The domain is case-insensitive; the local part is kept as typed.
    return address.substring(0, at) + "@" + address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
