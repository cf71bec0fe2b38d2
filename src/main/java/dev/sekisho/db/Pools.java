package dev.sekisho.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Reactive PostgreSQL pools. Each HTTP verticle builds its own so its connections stay on its event loop. */
public final class Pools {
  /** For pools outside the request path (start-up, CLI, tests). */
  public static final int DEFAULT_TIMEOUT_MS = 5000;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private Pools() {}

  public static Pool create(Vertx vertx, DatabaseTarget target, int maxSize) {
    return create(vertx, target, maxSize, DEFAULT_TIMEOUT_MS);
  }

  /**
   * @param timeoutMs how long a caller waits for a connection (to open one, or for a busy pool to free
   *     one) before its query fails: with the database down or stuck, requests fail after this instead of
   *     queueing forever (db.timeoutMs)
   */
  public static Pool create(Vertx vertx, DatabaseTarget target, int maxSize, int timeoutMs) {
    String name = "sekisho-sql-" + POOLS.incrementAndGet();
    return PgBuilder.pool()
        // Each pool its own name: under one default name every pool after the first logged a
        // duplicate-gauge warning at start, and their metrics were merged.
        .with(new PoolOptions().setMaxSize(maxSize).setName(name)
            .setConnectionTimeout(timeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            // Bound the queue too: under an outage, waiters beyond it fail at once. Generous, so a
            // burst of load (thousands of requests in flight) queues instead of failing.
            .setMaxWaitQueueSize(Math.max(4096, maxSize * 512)))
        .with(new NetClientOptions().setConnectTimeout(timeoutMs).setMetricsName(name))
        // Also the SQL meters' namespace: under one empty namespace each pool after the first clashed.
        .connectingTo(target.connectOptions().setMetricsName(name))
        .using(vertx)
        .build();
  }
}
