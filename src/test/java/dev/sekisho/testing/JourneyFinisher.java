package dev.sekisho.testing;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.db.Pools;
import dev.sekisho.member.Method;
import dev.sekisho.journey.Journey;
import dev.sekisho.launcher.Settings;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.PgSessionStore;
import dev.sekisho.session.SessionSettings;
import dev.sekisho.web.Pages;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.sqlclient.Pool;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the second-factor step until the factor packages exist: a tiny server on its own
 * port (cookies are per host, not per port, so the browser's gateway session comes along) that
 * runs the real {@link Journey#completeSignIn} on the shared session store. It completes only a
 * session already at the PASSWORD level, like a factor page would after a correct code.
 * Test code only: src/main has no way to skip the second factor.
 */
public final class JourneyFinisher implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Pool pool;
  private final HttpServer server;

  public JourneyFinisher() {
    SessionSettings settings = Settings.from(ConfigLoader.load(Map.of(), Map.of("db.url", TestDatabase.url()))).session();
    pool = Pools.create(vertx, TestDatabase.target(), 2);
    SessionHandler sessions = SessionHandler.create(new PgSessionStore(vertx, pool, settings.absolute()))
        .setSessionCookieName(settings.cookieName()).setSessionTimeout(settings.idle().toMillis()).setMinLength(32)
        .setLazySession(true);
    Pages pages = new Pages(null, null, sessions);
    Router router = Router.router(vertx);
    router.route().handler(sessions);
    router.get("/finish").handler(ctx -> {
      if (MemberSession.level(ctx.session()) != MemberSession.Level.PASSWORD) {
        ctx.response().setStatusCode(409).end("not at the password level");
        return;
      }
      Method method = Method.fromCode(ctx.request().getParam("method", "totp")).orElseThrow();
      Journey.completeSignIn(ctx, pages, method);
    });
    try {
      server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The URL a browser GETs to finish its journey with the method (a Method code). */
  public String finishUrl(String method) {
    return "http://localhost:" + server.actualPort() + "/finish?method=" + method;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
