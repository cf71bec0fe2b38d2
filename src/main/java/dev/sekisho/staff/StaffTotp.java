package dev.sekisho.staff;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Staff TOTP: the members' code maths ({@link OtpAlgorithm}, SHA-1, 6 digits, 30 s) and their
 * key sealing ({@link SecretBox}), under a context of its own so a staff key can never be opened
 * as a member's. A code one step early or late is accepted (clock drift), each step once.
 */
public final class StaffTotp {
  static final int DIGITS = 6;
  static final int PERIOD_SECONDS = 30;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretBox box;

  public StaffTotp(SecretBox box) {
    this.box = box;
  }

  public static byte[] newKey() {
    byte[] key = new byte[20];
    RANDOM.nextBytes(key);
    return key;
  }

  public static String uri(String staffId, byte[] key) {
    String label = URLEncoder.encode("Sekisho staff:" + staffId, StandardCharsets.UTF_8).replace("+", "%20");
    return "otpauth://totp/" + label + "?secret=" + Base32Text.encode(key) + "&issuer=Sekisho%20staff&digits=6&period=30";
  }

  public byte[] seal(String staffId, byte[] key) {
    return box.seal(key, context(staffId));
  }

  public String keyId() {
    return box.activeKeyId();
  }

  public byte[] open(String staffId, String keyId, byte[] sealed) {
    return box.open(keyId, sealed, context(staffId));
  }

  /** The time step the code matches (now, one before or one after), or -1. */
  public static long matchingStep(byte[] key, String code, long epochSeconds) {
    if (code == null || !code.matches("\\d{" + DIGITS + "}")) {
      return -1;
    }
    long now = epochSeconds / PERIOD_SECONDS;
    long found = -1;
    // Every candidate is computed and compared in constant time: the answer's timing says nothing.
    for (long step = now - 1; step <= now + 1; step++) {
      String expected = OtpAlgorithm.SHA1.text(key, step, DIGITS);
      if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), code.getBytes(StandardCharsets.US_ASCII))) {
        found = step;
      }
    }
    return found;
  }

  private static String context(String staffId) {
    return "staff-totp:" + staffId;
  }
}
