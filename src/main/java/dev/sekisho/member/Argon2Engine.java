package dev.sekisho.member;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Argon2id implementation behind {@link PasswordHasher}: hashes to and verifies PHC strings
 * ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}), so hashes written by one implementation
 * verify with the other. Blocking and CPU-heavy: call only off the event loop.
 */
public interface Argon2Engine {
  int SALT_BYTES = 16;
  int HASH_BYTES = 32;

  String hash(String password);

  /** Whether the password matches the PHC string; false (never an exception) for a malformed string. */
  boolean matches(String password, String phc);

  /** Gives back memory kept between hashes that no hash has used for a while (by default nothing is kept). */
  default void releaseIdleMemory() {
  }

  /** A short name for the start-up line and the bench ("argon2-reused-memory", "libsodium", "bouncycastle"). */
  String name();

  /**
   * The implementation that disturbs the rest of the process least: the reference library with
   * blocks of memory reused from hash to hash ({@link ReusedMemoryArgon2}); where it cannot load,
   * libsodium when the cost has one lane (libsodium's crypto_pwhash only hashes with p=1; it maps and
   * unmaps the memory of every hash), else Bouncy Castle through Spring's encoder, said in one log line.
   */
  static Argon2Engine forSettings(PasswordSettings settings) {
    Logger log = LoggerFactory.getLogger(Argon2Engine.class);
    String referenceProblem = ReusedMemoryArgon2.unavailableBecause();
    if (referenceProblem == null) {
      return new ReusedMemoryArgon2(settings);
    }
    log.warn("The reference Argon2 library not usable here ({}); trying libsodium", referenceProblem);
    BouncyCastleArgon2 fallback = new BouncyCastleArgon2(settings);
    if (settings.parallelism() != 1) {
      log.info("Argon2id with p={}: Bouncy Castle hashes (libsodium supports only p=1)", settings.parallelism());
      return fallback;
    }
    String problem = SodiumArgon2.unavailableBecause();
    if (problem != null) {
      log.warn("libsodium not usable here ({}); Argon2id runs on Bouncy Castle, about 2x slower", problem);
      return fallback;
    }
    return new SodiumArgon2(settings, fallback);
  }
}
