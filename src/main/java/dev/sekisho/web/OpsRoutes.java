package dev.sekisho.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/** Liveness (/health: the process answers) and readiness (/ready: the database answers too). */
public final class OpsRoutes {
  private static final long READY_TIMEOUT_MS = 2000;
  private final Pool pool;

  public OpsRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get(Paths.HEALTH).handler(ctx -> Pages.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get(Paths.READY).handler(ctx -> pool.query("select 1").execute()
        .timeout(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          boolean up = result.succeeded();
          Pages.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
              .put("database", up ? "UP" : "DOWN"));
        }));
  }
}
