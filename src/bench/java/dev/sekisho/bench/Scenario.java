package dev.sekisho.bench;

import io.vertx.core.Future;

/**
 * One kind of request the benchmark drives. Implementations prepare whatever they need (sessions,
 * codes) before the clock starts, then answer each call with one request's outcome. Calls run on
 * the load driver's single event loop: implementations need no locking.
 */
public interface Scenario {
  String name();

  /** Runs before each measured run: seed sessions, reset codes. Blocking is allowed here. */
  default void prepare(BenchContext context, long expectedCalls) throws Exception {
  }

  /** Sends one request as the i-th call of the run. */
  Future<Outcome> call(long i);

  /** False for a ceiling that bypasses the gateway (its CPU is then not the gateway's). */
  default boolean throughGateway() {
    return true;
  }

  /**
   * Requests the warm-up makes at least (beyond --warmup seconds, up to a limit): a path that is
   * still interpreted, not yet compiled by the JIT, costs many times its steady-state CPU, and a
   * slow path gets few requests in a few seconds, so it would stay cold for the whole run.
   */
  default long minWarmupRequests() {
    return 0;
  }

  /** True when the request reaches the upstream (the proxied scenario): the upstream's CPU is reported beside it. */
  default boolean usesUpstream() {
    return false;
  }

  /** True when call i cannot be made (its seeded session does not exist): a closed run ends there. */
  default boolean exhausted(long i) {
    return false;
  }

  /** Checks run after the measurement, e.g. that no code was accepted twice; returns a problem or null. */
  default String verify() {
    return null;
  }

  /** A line of scenario-specific counts for the report (accepted, refused ...), or null. */
  default String detail() {
    return null;
  }
}
