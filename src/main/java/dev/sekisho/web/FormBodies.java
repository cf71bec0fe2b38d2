package dev.sekisho.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Set;

/**
 * vertx-web's body handler, only for the methods that carry a form. For GET, HEAD or OPTIONS with a
 * form or multipart Content-Type, BodyHandler throws ("Request method must be one of POST, PUT,
 * PATCH or DELETE to decode a multipart request"), which gave a 500 on every gateway path. Nothing
 * reads the body of those methods, so it is left unread (Vert.x discards it) and the request goes on.
 */
public final class FormBodies implements Handler<RoutingContext> {
  private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final BodyHandler bodies;

  private FormBodies(BodyHandler bodies) {
    this.bodies = bodies;
  }

  /** Bodies up to limit bytes (413 above), without file uploads. */
  public static FormBodies limitedTo(long limit) {
    return new FormBodies(BodyHandler.create(false).setBodyLimit(limit));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (WITH_BODY.contains(ctx.request().method())) {
      bodies.handle(ctx);
    } else {
      ctx.next();
    }
  }
}
