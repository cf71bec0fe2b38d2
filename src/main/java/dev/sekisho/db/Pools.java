package dev.sekisho.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Reactive PostgreSQL pools. Each HTTP verticle builds its own so its connections stay on its event loop. */
public final class Pools {
  private Pools() {}

  public static Pool create(Vertx vertx, DatabaseTarget target, int maxSize) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize))
        .connectingTo(target.connectOptions())
        .using(vertx)
        .build();
  }
}
