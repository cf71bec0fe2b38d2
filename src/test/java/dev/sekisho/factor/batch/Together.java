package dev.sekisho.factor.batch;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Checks started together, each on the event loop of the services (the "gateway process") it is
 * sent to, as a verticle starts them: checks started on one loop meet in its batcher; checks on
 * two services' loops race in the database as two processes' would. Answers come back in order.
 */
final class Together {
  /** A check and the services that decide it. */
  record Sent(OtpFixtures.Services on, Supplier<Future<CheckResult>> check) {}

  private Together() {}

  static List<CheckResult> run(List<Sent> checks) throws Exception {
    List<CompletableFuture<CheckResult>> answers = new ArrayList<>();
    for (Sent ignored : checks) {
      answers.add(new CompletableFuture<>());
    }
    // One task per services, so that all checks of a loop are submitted before any window ends.
    for (OtpFixtures.Services on : checks.stream().map(Sent::on).distinct().toList()) {
      on.vertx.getOrCreateContext().runOnContext(v -> {
        for (int i = 0; i < checks.size(); i++) {
          if (checks.get(i).on() == on) {
            CompletableFuture<CheckResult> answer = answers.get(i);
            checks.get(i).check().get().onComplete(done -> {
              if (done.succeeded()) {
                answer.complete(done.result());
              } else {
                answer.completeExceptionally(done.cause());
              }
            });
          }
        }
      });
    }
    List<CheckResult> results = new ArrayList<>();
    for (CompletableFuture<CheckResult> answer : answers) {
      results.add(answer.get(60, TimeUnit.SECONDS));
    }
    return results;
  }
}
