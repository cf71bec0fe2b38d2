package dev.sekisho.ops;

import dev.sekisho.config.ConfigException;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import dev.sekisho.metrics.GatewayMetrics;
import dev.sekisho.metrics.Metrics;
import dev.sekisho.metrics.MetricsSettings;
import dev.sekisho.web.OpsRoutes;
import dev.sekisho.web.ServingListeners;
import dev.sekisho.web.Pages;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.nio.file.Path;

/**
 * The management listener ({@code management.host}:{@code management.port}): {@code /health}
 * (liveness), {@code /ready} (readiness) and {@code /metrics}, and nothing else: no session, no
 * portal, no gateway page. Deployed once per process; its one database connection serves /ready.
 */
public final class ManagementVerticle extends VerticleBase {
  private final ManagementSettings settings;
  private final MetricsSettings metrics;
  private final DatabaseTarget database;
  private final int dbTimeoutMs;
  private final Path embeddedPidFile;
  private final ServingListeners listeners;
  private Pool pool;
  private HttpServer server;

  public ManagementVerticle(ManagementSettings settings, MetricsSettings metrics, DatabaseTarget database,
                            int dbTimeoutMs, Path embeddedPidFile, ServingListeners listeners) {
    this.settings = settings;
    this.metrics = metrics;
    this.database = database;
    this.dbTimeoutMs = dbTimeoutMs;
    this.embeddedPidFile = embeddedPidFile;
    this.listeners = listeners;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, 1, dbTimeoutMs);
    Router router = Router.router(vertx);
    new OpsRoutes(pool, dbTimeoutMs, embeddedPidFile, listeners).mount(router);
    PrometheusMeterRegistry registry = metrics.enabled() ? Metrics.registry(vertx) : null;
    if (registry != null) {
      new GatewayMetrics(registry, metrics.allowFrom()).mount(router, registry);
    }
    router.route().last().handler(ctx -> Pages.json(ctx, 404, "not_found",
        "The management listener serves /health, /ready and /metrics only."));
    server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()));
    return server.requestHandler(router).listen().recover(err -> Future.failedFuture(new ConfigException(
        "Cannot listen on " + settings.host() + ":" + settings.port()
            + " (management.host SEKISHO_MANAGEMENT_HOST, management.port SEKISHO_MANAGEMENT_PORT): " + err.getMessage())));
  }

  /** The port it listens on (the chosen one when management.port is 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
