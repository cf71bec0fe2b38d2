package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id hashing and verification, always on a dedicated worker pool: one hash costs tens of
 * milliseconds of CPU and must never run on an event loop.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2PasswordEncoder encoder;
  private final WorkerExecutor workers;
  /** Verified against when the ID is unknown, so that case costs the same time as a wrong password. */
  private final String decoyHash;

  public PasswordHasher(Vertx vertx, PasswordSettings settings) {
    this.encoder = new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, settings.parallelism(),
        settings.memoryKiB(), settings.iterations());
    // Shared by name: every verticle gets the same pool, sized to the cores.
    this.workers = vertx.createSharedWorkerExecutor("sekisho-password-hash", settings.hashThreads());
    this.decoyHash = encoder.encode("decoy-" + System.nanoTime());
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> encoder.encode(password), false);
  }

  /** Verifies a password; a null hash (unknown member) is checked against the decoy and always fails. */
  public Future<Boolean> verify(String password, String hashOrNull) {
    return workers.executeBlocking(() -> {
      boolean matches = encoder.matches(password, hashOrNull == null ? decoyHash : hashOrNull);
      return hashOrNull != null && matches;
    }, false);
  }

  /** Blocking variant for start-up and command-line work that already runs off the event loop. */
  public String hashNow(String password) {
    return encoder.encode(password);
  }
}
