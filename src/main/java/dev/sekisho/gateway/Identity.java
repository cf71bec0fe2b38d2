package dev.sekisho.gateway;

import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who the portal is talking to, as the gateway vouches for it. The user ID, name and email are
 * always percent-encoded UTF-8 ({@link #encode}; decode with decodeURIComponent / URLDecoder): a
 * user ID or address made only of letters, digits and {@code - . _ ~ @} reads as it is.
 */
public record Identity(long memberId, String loginId, String name, String email, String method, String sessionHash) {

  /** Sets the identity headers, replacing any value already there. */
  public void writeTo(MultiMap headers, IdentityHeaders names) {
    headers.set(names.user(), encode(loginId));
    headers.set(names.name(), encode(name));
    headers.set(names.email(), encode(email));
    headers.set(names.method(), method == null ? "" : method);
    headers.set(names.session(), sessionHash);
  }

  /**
   * A stable, non-reversible reference to the session for the portal's logs: not the id, and not
   * the hash the session table stores either (a leaked portal log must not help find a row).
   */
  public static String sessionHash(String sessionId) {
    MessageDigest sha = SHA256.get();
    sha.update(PREFIX);
    byte[] digest = sha.digest(sessionId.getBytes(StandardCharsets.UTF_8));
    return HEX.formatHex(digest, 0, 16);
  }

  private static final byte[] PREFIX = "sekisho-upstream:".getBytes(StandardCharsets.UTF_8);
  private static final HexFormat HEX = HexFormat.of();
  /** One digest per event-loop thread: looking the algorithm up again on every proxied request costs more than hashing. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /**
   * The one encoding of every identity value: UTF-8, percent-encoded (RFC 3986) except letters,
   * digits and {@code - . _ ~ @}. No value can break a header (CR, LF, NUL) or carry markup or
   * quotes into a portal that prints it; a plain address or ID reads as it is; {@code
   * decodeURIComponent} and {@code URLDecoder} both give the exact value back ({@code +} is encoded).
   */
  static String encode(String value) {
    if (value == null) {
      return "";
    }
    // A plain loop, and no copy for the usual value that needs no encoding: this runs for three
    // headers of every proxied request.
    for (int i = 0; i < value.length(); i++) {
      if (!isKept(value.charAt(i))) {
        return percentEncode(value);
      }
    }
    return value;
  }

  private static boolean isKept(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~' || c == '@';
  }

  private static String percentEncode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isKept(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(UPPER_HEX.charAt(c >> 4)).append(UPPER_HEX.charAt(c & 0xf));
      }
    }
    return out.toString();
  }

  private static final String UPPER_HEX = "0123456789ABCDEF";
}
