package dev.sekisho.bench;


import dev.sekisho.factor.code.OtpAlgorithm;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The seeded members: login ids, the one known password, TOTP secrets derived from the member's
 * index (so the load generator computes codes without keeping a million secrets around), and the
 * member ids the database gave them. Member ranges are split between scenarios so one scenario's
 * used codes do not refuse another's.
 */
final class BenchMembers {
  static final String PREFIX = "bench-";
  static final String PASSWORD = "Bench-Passw0rd!";
  private static final byte[] SEED = "sekisho-bench-totp-v1".getBytes(StandardCharsets.US_ASCII);
  static final int PERIOD = 30;
  static final int DIGITS = 6;

  final long[] ids;
  private final byte[][] secrets;

  BenchMembers(long[] ids) {
    this.ids = ids;
    this.secrets = new byte[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      secrets[i] = secret(i);
    }
  }

  int size() {
    return ids.length;
  }

  static String loginId(int index) {
    return String.format("%s%07d", PREFIX, index);
  }

  /** 160-bit TOTP secret of member index i. */
  static byte[] secret(int index) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SEED, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(ByteBuffer.allocate(8).putLong(index).array()), 20);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String totp(int index, long step) {
    return OtpAlgorithm.SHA1.text(secrets[index], step, DIGITS);
  }

  static long stepNow() {
    return Math.floorDiv(System.currentTimeMillis() / 1000, PERIOD);
  }

  /** The email code seeded for member index i (a fixed 6 digits per member). */
  static String emailCode(int index) {
    return String.format("%06d", Math.floorMod(index * 7919L + 123457L, 1_000_000L));
  }

  /** Index ranges: TOTP checks 60 %, email checks 20 %, logins (and the proxied sessions) 20 %. */
  int totpFrom() {
    return 0;
  }

  int totpTo() {
    return Math.max(1, size() * 6 / 10);
  }

  int emailFrom() {
    return totpTo();
  }

  int emailTo() {
    return Math.max(emailFrom() + 1, size() * 8 / 10);
  }

  int loginFrom() {
    return emailTo();
  }

  int loginTo() {
    return size();
  }
}
