package dev.sekisho.web;

import dev.sekisho.config.ConfigReader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IP addresses and CIDR ranges given as text ("127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"); only
 * literal addresses are accepted, so matching never resolves a name. The one rule for every address
 * setting ({@code http.trustedProxies}, {@code metrics.allowFrom}): two rules once disagreed, and a
 * CIDR range of trusted proxies silently never matched.
 */
public final class AddressMatcher {
  /**
   * Compiled once: String.matches compiles its pattern on every call, and every request asks
   * (ClientAddress), so that was a tenth of the gateway's garbage per OTP check (JFR, BENCHMARKS.md).
   */
  private static final Pattern ADDRESS_CHARACTERS = Pattern.compile("[0-9a-fA-F:.%\\[\\]]+");
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private final List<byte[][]> ranges;

  public AddressMatcher(List<String> entries) {
    ranges = entries.stream().map(AddressMatcher::parse).toList();
  }

  /** The list at {@code key}, each entry checked: one that does not parse stops start-up naming it. */
  public static List<String> fromConfig(ConfigReader config, String key) {
    List<String> entries = config.strings(key);
    for (String entry : entries) {
      if (!valid(entry)) {
        throw config.error(key, "must list IP addresses or CIDR ranges (like 10.0.0.0/8 or fd00::/8)", entry);
      }
    }
    return entries;
  }

  public static boolean valid(String entry) {
    try {
      parse(entry);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether a literal address (IPv4, IPv6, IPv4-mapped IPv6) lies in one of the ranges; anything else never matches. */
  public boolean matches(String address) {
    if (ranges.isEmpty()) {
      return false; // nothing configured (the default): no address to parse
    }
    byte[] candidate = literal(address == null ? null : address.trim());
    if (candidate == null) {
      return false;
    }
    for (byte[][] range : ranges) {
      byte[] net = range[0];
      int bits = range[1][0] & 0xff;
      if (net.length == candidate.length && prefixEquals(net, candidate, bits)) {
        return true;
      }
    }
    return false;
  }

  private static boolean prefixEquals(byte[] a, byte[] b, int bits) {
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >>> (i % 8);
      if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** {network bytes, {prefix length}}. */
  private static byte[][] parse(String entry) {
    String text = entry.trim();
    int slash = text.indexOf('/');
    byte[] net = literal(slash < 0 ? text : text.substring(0, slash));
    if (net == null) {
      throw new IllegalArgumentException(entry);
    }
    int bits = net.length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(entry);
      }
      if (bits < 0 || bits > net.length * 8) {
        throw new IllegalArgumentException(entry);
      }
    }
    return new byte[][] {net, {(byte) bits}};
  }

  /** The bytes of a literal IPv4/IPv6 address, or null for anything else (never a DNS lookup). */
  private static byte[] literal(String text) {
    if (text == null || text.isEmpty() || !ADDRESS_CHARACTERS.matcher(text).matches()) {
      return null;
    }
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    int zone = bare.indexOf('%');
    if (zone >= 0) {
      bare = bare.substring(0, zone);
    }
    if (!bare.contains(":") && !DOTTED_QUAD.matcher(bare).matches()) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(bare).getAddress();
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as the IPv4 one.
      if (bytes.length == 16 && isMapped(bytes)) {
        byte[] v4 = new byte[4];
        System.arraycopy(bytes, 12, v4, 0, 4);
        return v4;
      }
      return bytes;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
