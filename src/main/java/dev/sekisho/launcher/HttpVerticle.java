package dev.sekisho.launcher;

import dev.sekisho.admin.AdminApiDescription;
import dev.sekisho.db.Pools;
import dev.sekisho.web.GatewayRouter;
import dev.sekisho.web.InvalidRequests;
import dev.sekisho.web.SlowClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

import java.util.Set;

/**
 * The HTTP verticle, deployed once per event-loop core. It owns a database pool on its own event
 * loop and builds the HTTP server. The routes are listed, with their mount phase, by {@link GatewayRoutes}
 * and mounted in phase order by {@link GatewayRouter}.
 */
public final class HttpVerticle extends VerticleBase {
  private final Infrastructure infra;
  private Pool pool;
  private HttpServer server;
  private HttpClient upstreamClient;

  public HttpVerticle(Infrastructure infra) {
    this.infra = infra;
  }

  @Override
  public Future<?> start() {
    Settings settings = infra.settings();
    pool = Pools.create(vertx, infra.database(), settings.db().poolSize(), settings.db().timeoutMs());
    // Connections to the portal, pooled per verticle; bodies pass through as the portal encoded them.
    upstreamClient = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) settings.gateway().connectTimeout().toMillis())
            .setKeepAlive(true).setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(64));
    // Slow and malformed clients are timed and capped per address before any route sees them.
    SlowClients slowClients = new SlowClients(vertx, settings.web().limits(), Set.copyOf(settings.web().trustedProxies()));
    // The admin API's description is read and checked first: the admin routes are validated against it.
    return AdminApiDescription.load(vertx).compose(adminApi -> listen(settings,
        GatewayRouter.assemble(vertx, GatewayRoutes.modules(vertx, infra, pool, upstreamClient, slowClients, adminApi)),
        slowClients));
  }

  private Future<?> listen(Settings settings, Router router, SlowClients slowClients) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.web().host()).setPort(settings.web().port())
        // No cleartext HTTP/2 upgrade: nothing needs it, and an oversized header then hung its
        // request instead of being refused (and vertx-http-proxy mishandles h2c errors).
        .setHttp2ClearTextEnabled(false)
        .setMaxFormAttributeSize(settings.web().maxBodyBytes());
    if (settings.web().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(settings.web().tlsCertPath()).setKeyPath(settings.web().tlsKeyPath()));
    }
    server = vertx.createHttpServer(options);
    // The HTTP codec's own refusals (bad request line, oversized headers) get a clear message too.
    return server.connectionHandler(slowClients.connections())
        .requestHandler(router).invalidRequestHandler(new InvalidRequests()).listen()
        .onSuccess(listening -> infra.listeners().up(context))
        .recover(err -> Future.failedFuture(listenFailure(settings, err)));
  }

  /** One line naming the address, the port and their keys ("Address already in use" alone named nothing). */
  private static Exception listenFailure(Settings settings, Throwable err) {
    return new dev.sekisho.config.ConfigException("Cannot listen on " + settings.web().host() + ":" + settings.web().port()
        + " (http.host SEKISHO_HTTP_HOST, http.port SEKISHO_HTTP_PORT): " + err.getMessage());
  }

  @Override
  public Future<?> stop() {
    infra.listeners().down(context);
    // Let in-flight requests finish before the pool goes away.
    Future<Void> closing = server == null ? Future.succeededFuture() : server.shutdown(infra.settings().web().shutdownGraceSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    return closing
        .eventually(() -> upstreamClient == null ? Future.succeededFuture() : upstreamClient.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
