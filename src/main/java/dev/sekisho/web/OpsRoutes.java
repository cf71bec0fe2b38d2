package dev.sekisho.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * Liveness (/health: the process answers, whatever the database does, so an orchestrator does not
 * restart a gateway that only waits for PostgreSQL) and readiness (/ready: the database answers too).
 */
public final class OpsRoutes {
  private final Pool pool;
  private final long timeoutMs;

  /** @param timeoutMs db.timeoutMs: /ready answers DOWN rather than hang on a stuck database */
  public OpsRoutes(Pool pool, long timeoutMs) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  public void mount(Router router) {
    router.get(Paths.HEALTH).handler(ctx -> Pages.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get(Paths.READY).handler(ctx -> pool.query("select 1").execute()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          boolean up = result.succeeded();
          Pages.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
              .put("database", up ? "UP" : "DOWN"));
        }));
  }
}
