package dev.sekisho.gateway;

import io.vertx.core.MultiMap;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who the portal is talking to, as the gateway vouches for it. Header values are ASCII: the name
 * (Japanese) is always percent-encoded UTF-8 (decode with decodeURIComponent / URLDecoder); the
 * user ID and email are sent as they are when they are printable ASCII, percent-encoded otherwise.
 */
public record Identity(long memberId, String loginId, String name, String email, String method, String sessionHash) {

  /** Sets the identity headers, replacing any value already there. */
  public void writeTo(MultiMap headers, IdentityHeaders names) {
    headers.set(names.user(), asciiOrEncoded(loginId));
    headers.set(names.name(), encode(name));
    headers.set(names.email(), asciiOrEncoded(email));
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

  static String encode(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String asciiOrEncoded(String value) {
    if (value == null) {
      return "";
    }
    // A plain loop: this runs for two headers of every proxied request.
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '%') {
        return encode(value);
      }
    }
    return value;
  }
}
