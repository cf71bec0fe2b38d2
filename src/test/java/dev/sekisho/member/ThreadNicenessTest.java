package dev.sekisho.member;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hashing threads give way to everything else (issue 15 item 3): they run niced and under
 * SCHED_IDLE, while the event loops that hand them work and take their results keep the ordinary
 * policy (a thread started by a lowered thread would inherit its policy).
 */
class ThreadNicenessTest {
  private static final PasswordSettings SETTINGS = new PasswordSettings(7168, 1, 1, 2, 10, true, "{symbol}{number}{birthdate}");

  @Test
  void aLoweredThreadRunsNicedUnderTheIdlePolicy() throws Exception {
    CompletableFuture<int[]> seen = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      int before = ThreadNiceness.currentThreadNice();
      boolean idleBefore = ThreadNiceness.currentThreadIsIdleClass();
      ThreadNiceness.lowerCurrentThread(10, true);
      seen.complete(new int[] {before, idleBefore ? 1 : 0, ThreadNiceness.currentThreadNice(),
          ThreadNiceness.currentThreadIsIdleClass() ? 1 : 0});
    });
    thread.start();
    int[] result = seen.get(10, TimeUnit.SECONDS);
    assertThat(result[1]).as("idle class before").isZero();
    assertThat(result[2]).as("nice after").isEqualTo(Math.min(19, result[0] + 10));
    assertThat(result[3]).as("idle class after").isOne();
  }

  @Test
  void theEventLoopsKeepTheOrdinaryPolicyWhileTheHashingThreadsRunIdle() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PasswordHasher hasher = new PasswordHasher(vertx, SETTINGS);
      // Each hashing thread reports its own policy after a hash; two at once so both threads run.
      var checks = java.util.List.of(hashThenReport(vertx, hasher), hashThenReport(vertx, hasher));
      for (var check : checks) {
        assertThat(check.get(30, TimeUnit.SECONDS)).as("the event loop that took the result").isFalse();
      }
      CompletableFuture<Boolean> onHashThread = new CompletableFuture<>();
      vertx.createSharedWorkerExecutor("sekisho-password-hash", SETTINGS.hashThreads())
          .executeBlocking(() -> ThreadNiceness.currentThreadIsIdleClass(), false)
          .onComplete(done -> onHashThread.complete(done.result()));
      // Both of the pool's threads ran one of the two hashes at once, so whichever the probe lands on hashed.
      assertThat(onHashThread.get(30, TimeUnit.SECONDS)).as("a hashing thread").isTrue();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Hashes, then reports from the event loop the result comes back on whether that loop is idle-class. */
  private static CompletableFuture<Boolean> hashThenReport(Vertx vertx, PasswordHasher hasher) {
    CompletableFuture<Boolean> idle = new CompletableFuture<>();
    vertx.runOnContext(v -> hasher.hash("a-password-1234").onComplete(done -> {
      idle.complete(ThreadNiceness.currentThreadIsIdleClass());
    }));
    return idle;
  }
}
