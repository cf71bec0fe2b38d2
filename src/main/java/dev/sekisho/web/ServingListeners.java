package dev.sekisho.web;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public listeners that are serving, each by the event loop it runs on. Liveness asks each of
 * those loops to run a no-op: a listener that stopped, or a loop that is stuck (blocked, in a
 * loop), is a gateway that cannot serve, and no wait mends it, so the orchestrator should restart it.
 */
public final class ServingListeners {
  private final Set<Context> serving = ConcurrentHashMap.newKeySet();

  /** Called by a public listener once it listens. */
  public void up(Context loop) {
    serving.add(loop);
  }

  /** Called by a public listener when it stops. */
  public void down(Context loop) {
    serving.remove(loop);
  }

  /** Succeeds with true when at least one listener serves and every listener's loop answered within the limit. */
  public Future<Boolean> allAnswer(Vertx vertx, long limitMs) {
    List<Context> loops = List.copyOf(serving);
    if (loops.isEmpty()) {
      return Future.succeededFuture(false);
    }
    List<Future<Void>> answers = loops.stream().map(loop -> {
      Promise<Void> answered = Promise.promise();
      long timer = vertx.setTimer(limitMs, t -> answered.tryFail("event loop did not answer within " + limitMs + " ms"));
      loop.runOnContext(v -> {
        answered.tryComplete();
        vertx.cancelTimer(timer);
      });
      return answered.future();
    }).toList();
    return Future.all(answers).map(true).otherwise(false);
  }
}
