package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.LoggerFactory;

/**
 * Argon2id hashing and verification, always on a dedicated worker pool: one hash costs tens of
 * milliseconds of CPU and must never run on an event loop. The pool's threads run at a lower OS
 * priority ({@code password.hashNice}) so hashing never takes CPU time from the event loops.
 */
public final class PasswordHasher {
  private static final long RELEASE_CHECK_MILLIS = 10_000;
  private final Argon2Engine engine;
  private final WorkerExecutor workers;
  private final int nice;
  /** Verified against when the ID is unknown, so that case costs the same time as a wrong password. */
  private final String decoyHash;

  public PasswordHasher(Vertx vertx, PasswordSettings settings) {
    this.engine = Argon2Engine.forSettings(settings);
    this.nice = settings.hashNice();
    // Shared by name: every verticle gets the same pool, sized to the cores.
    this.workers = vertx.createSharedWorkerExecutor("sekisho-password-hash", settings.hashThreads());
    this.decoyHash = engine.hash("decoy-" + System.nanoTime());
    startEventLoops(vertx);
    // Memory kept between hashes goes back once logins stop (checked off the event loop: freeing unmaps).
    vertx.setPeriodic(RELEASE_CHECK_MILLIS, id -> workers.executeBlocking(() -> {
      engine.releaseIdleMemory();
      return null;
    }, false));
    LoggerFactory.getLogger(PasswordHasher.class).info("Argon2id m={} KiB t={} p={} by {}", settings.memoryKiB(),
        settings.iterations(), settings.parallelism(), engine.name());
  }

  /**
   * Netty starts an event loop's thread on its first task, from the thread that submits it, and on
   * Linux a new thread inherits the nice value of the thread that starts it: were an idle event loop
   * first woken by a hashing thread handing back a result, it would run niced for good. So every
   * event loop is started now, from this (normal-priority) thread.
   */
  private static void startEventLoops(Vertx vertx) {
    if (vertx instanceof VertxInternal internal) {
      internal.nettyEventLoopGroup().forEach(loop -> loop.execute(() -> { }));
      internal.acceptorEventLoopGroup().forEach(loop -> loop.execute(() -> { }));
    }
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> {
      ThreadNiceness.lowerCurrentThread(nice);
      return engine.hash(password);
    }, false);
  }

  /** Verifies a password; a null hash (unknown member) is checked against the decoy and always fails. */
  public Future<Boolean> verify(String password, String hashOrNull) {
    return workers.executeBlocking(() -> {
      ThreadNiceness.lowerCurrentThread(nice);
      boolean matches = engine.matches(password, hashOrNull == null ? decoyHash : hashOrNull);
      return hashOrNull != null && matches;
    }, false);
  }

  /** Blocking variant for start-up and command-line work that already runs off the event loop. */
  public String hashNow(String password) {
    return engine.hash(password);
  }

  /** The implementation in use ("argon2-reused-memory", "libsodium" or "bouncycastle"), for the bench and the logs. */
  public String implementation() {
    return engine.name();
  }
}
