package dev.sekisho.factor.batch;

import io.vertx.core.Vertx;

import java.util.function.ObjIntConsumer;

/**
 * What a verticle's check services need to group their commits: its Vert.x (for the window's
 * timer), the settings and where batch sizes are counted (by statement name). One per HTTP verticle, so each
 * {@link GroupCommit} it makes serves one event loop.
 */
public record Batching(Vertx vertx, BatchSettings settings, ObjIntConsumer<String> batchSizes) {
  /** Every check alone (tests and tools that build the services without a gateway). */
  public static final Batching OFF = new Batching(null, BatchSettings.OFF, (statement, size) -> { });

  /** @param name the statement's name in the batch-size metric */
  public <I, O> GroupCommit<I, O> of(String name, GroupCommit.Statement<I, O> statement) {
    return new GroupCommit<>(vertx, settings, statement, size -> batchSizes.accept(name, size));
  }
}
