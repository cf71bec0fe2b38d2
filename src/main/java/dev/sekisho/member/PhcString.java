package dev.sekisho.member;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2 hash in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}; salt and
 * hash in unpadded standard Base64; no {@code v=} means version 0x10), as Spring's encoder, libsodium
 * and the reference library write it.
 */
record PhcString(int type, int version, int memoryKiB, int iterations, int lanes, byte[] salt, byte[] hash) {
  private static final Pattern FORMAT = Pattern.compile(
      "\\$argon2(id|i|d)(?:\\$v=(16|19))?\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{6,88})");

  /** The parsed string, or null when it is not a well-formed Argon2 PHC string within sane bounds. */
  static PhcString parse(String phc) {
    Matcher m = phc == null ? null : FORMAT.matcher(phc);
    if (m == null || !m.matches()) {
      return null;
    }
    int type = switch (m.group(1)) {
      case "d" -> Argon2Native.TYPE_D;
      case "i" -> Argon2Native.TYPE_I;
      default -> Argon2Native.TYPE_ID;
    };
    try {
      byte[] salt = Base64.getDecoder().decode(m.group(6));
      byte[] hash = Base64.getDecoder().decode(m.group(7));
      int lanes = Integer.parseInt(m.group(5));
      int iterations = Integer.parseInt(m.group(4));
      if (lanes < 1 || iterations < 1 || salt.length < 8 || hash.length < 4) {
        return null;
      }
      return new PhcString(type, m.group(2) == null || m.group(2).equals("16") ? 0x10 : 0x13,
          Integer.parseInt(m.group(3)), iterations, lanes, salt, hash);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  PhcString withHash(byte[] raw) {
    return new PhcString(type, version, memoryKiB, iterations, lanes, salt, raw);
  }

  String format() {
    String name = switch (type) {
      case Argon2Native.TYPE_D -> "argon2d";
      case Argon2Native.TYPE_I -> "argon2i";
      default -> "argon2id";
    };
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$" + name + "$v=" + version + "$m=" + memoryKiB + ",t=" + iterations + ",p=" + lanes + "$"
        + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }
}
