package dev.sekisho.factor.code;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * RFC 4226 HOTP and RFC 6238 TOTP codes with the key's own HMAC (SHA-1, SHA-256 or SHA-512).
 * vertx-auth-otp computes every code with HMAC-SHA-1 whatever the key says, so the project
 * computes codes here, on the JDK's Mac. One Mac per thread and algorithm: no per-check lookup.
 */
public enum OtpAlgorithm {
  SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

  private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
  private final String jca;
  private final ThreadLocal<Mac> macs;

  OtpAlgorithm(String jca) {
    this.jca = jca;
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        return Mac.getInstance(jca);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  public static OtpAlgorithm parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace("-", "").replace("HMAC", ""));
  }

  /** The code for one counter value (HOTP) or time step (TOTP), as an int below 10^digits. */
  public int code(byte[] key, long counter, int digits) {
    Mac mac = macs.get();
    try {
      mac.init(new SecretKeySpec(key, jca));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] message = new byte[8];
    for (int i = 7; i >= 0; i--) {
      message[i] = (byte) counter;
      counter >>>= 8;
    }
    byte[] h = mac.doFinal(message);
    int offset = h[h.length - 1] & 0x0f;
    int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
        | (h[offset + 3] & 0xff);
    return binary % POWERS[digits];
  }

  /** Zero-padded text of {@link #code}. */
  public String text(byte[] key, long counter, int digits) {
    String s = Integer.toString(code(key, counter, digits));
    return "0".repeat(digits - s.length()) + s;
  }
}
