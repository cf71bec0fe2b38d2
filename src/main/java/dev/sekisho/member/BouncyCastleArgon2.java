package dev.sekisho.member;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** Spring Security's encoder over Bouncy Castle's pure-Java Argon2: runs everywhere, every variant and p. */
final class BouncyCastleArgon2 implements Argon2Engine {
  private final Argon2PasswordEncoder encoder;

  BouncyCastleArgon2(PasswordSettings settings) {
    this.encoder = new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, settings.parallelism(), settings.memoryKiB(),
        settings.iterations());
  }

  @Override
  public String hash(String password) {
    return encoder.encode(password);
  }

  @Override
  public boolean matches(String password, String phc) {
    return encoder.matches(password, phc);
  }

  @Override
  public String name() {
    return "bouncycastle";
  }
}
