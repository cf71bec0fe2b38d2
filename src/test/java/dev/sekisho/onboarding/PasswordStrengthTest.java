package dev.sekisho.onboarding;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15 (RSS at most 300 MB): nbvcxz's dictionaries (about 20 MB of heap) are read the first
 * time a password is checked, not at start-up, and never on an event loop; the checks answer as
 * before once they are read.
 */
class PasswordStrengthTest {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theDictionariesAreReadWhenAPasswordIsFirstCheckedOnAWorker() throws Exception {
    OnboardingTexts texts = OnboardingTexts.load("v1", List.of("ja", "en"));
    assertThat(texts.strength().loaded()).as("read at start-up").isFalse();

    assertThat(await(vertx.executeBlocking(() -> texts.isKnownWeak("123qweasdzxc")))).isTrue();
    assertThat(texts.strength().loaded()).isTrue();
    assertThat(await(vertx.executeBlocking(() -> texts.isKnownWeak("123QWEasdzxc")))).as("case-insensitive").isTrue();
    assertThat(await(vertx.executeBlocking(() -> texts.isKnownWeak("Kuma-no-ame-2026")))).isFalse();
    assertThat(await(vertx.executeBlocking(() -> texts.strength().isGuessable("sakurasakura12")))).isTrue();
    assertThat(await(vertx.executeBlocking(() -> texts.strength().isGuessable("新しい合言葉-2026-冬")))).isFalse();
  }

  @Test
  void anEventLoopIsRefusedTheDictionariesAndDoesNotReadThem() throws Exception {
    OnboardingTexts texts = OnboardingTexts.load("v1", List.of("ja", "en"));
    for (Runnable check : List.<Runnable>of(() -> texts.isKnownWeak("123qweasdzxc"),
        () -> texts.strength().isGuessable("sakurasakura12"))) {
      Promise<Void> ran = Promise.promise();
      vertx.runOnContext(v -> {
        try {
          check.run();
          ran.complete();
        } catch (RuntimeException e) {
          ran.fail(e);
        }
      });
      assertThatThrownBy(() -> await(ran.future())).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class);
    }
    assertThat(texts.strength().loaded()).isFalse();
  }
}
