package dev.sekisho.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Liveness (/health: the process answers, whatever the database does, so an orchestrator does not
 * restart a gateway that only waits for PostgreSQL) and readiness (/ready: the database answers too).
 * One exception to liveness: the embedded database this gateway started is gone for good once its
 * postmaster.pid is (stopped by someone else); no wait brings it back, so /health says DOWN and the
 * orchestrator restarts the gateway, which starts it again. The same holds for a public listener
 * that stopped or whose event loop is stuck: the gateway cannot serve, and /health says DOWN.
 */
public final class OpsRoutes {
  private final Pool pool;
  private final long timeoutMs;
  private final String embeddedPidFile;
  private final ServingListeners listeners;

  /** How long each public listener's event loop has to answer liveness. */
  static final long LOOP_ANSWER_MS = 2000;

  /**
   * @param timeoutMs db.timeoutMs: /ready answers DOWN rather than hang on a stuck database
   * @param embeddedPidFile the embedded server's postmaster.pid, or null with an external database
   * @param listeners the public listeners: liveness is DOWN when none serves or one's event loop is stuck
   */
  public OpsRoutes(Pool pool, long timeoutMs, Path embeddedPidFile, ServingListeners listeners) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
    this.embeddedPidFile = embeddedPidFile == null ? null : embeddedPidFile.toString();
    this.listeners = listeners;
  }

  public void mount(Router router) {
    router.get(Paths.HEALTH).handler(ctx -> listeners.allAnswer(ctx.vertx(), LOOP_ANSWER_MS).onComplete(serving -> {
      if (!serving.result()) {
        Pages.json(ctx, 503, new JsonObject().put("status", "DOWN")
            .put("http", "the public listener is not serving (stopped, or its event loop is stuck)"));
      } else if (embeddedPidFile == null) {
        Pages.json(ctx, 200, new JsonObject().put("status", "UP"));
      } else {
        ctx.vertx().fileSystem().exists(embeddedPidFile).onComplete(exists -> {
          boolean up = exists.succeeded() && exists.result();
          Pages.json(ctx, up ? 200 : 503, up ? new JsonObject().put("status", "UP")
              : new JsonObject().put("status", "DOWN").put("database", "the embedded PostgreSQL this gateway started has stopped"));
        });
      }
    }));
    router.get(Paths.READY).handler(ctx -> pool.query("select 1").execute()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onComplete(result -> {
          boolean up = result.succeeded();
          Pages.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
              .put("database", up ? "UP" : "DOWN"));
        }));
  }
}
