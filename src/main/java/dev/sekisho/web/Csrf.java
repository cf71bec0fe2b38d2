package dev.sekisho.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Synchronizer-token CSRF protection: one random token per session, sent back in every form as
 * {@code _csrf} (or by scripts as the {@code X-CSRF-Token} header) and compared in constant time.
 *
 * <p>vertx-web's CSRFHandler ties its token to the session id and a cookie, and re-issues it on
 * every GET; that breaks a second tab and the form rendered just before login regenerates the id.
 * A per-session token has neither problem and is the pattern OWASP recommends; a sign-in renews
 * it with the session id ({@link #renewAtSignIn}), so no token seen before the sign-in is good after it.
 */
public final class Csrf implements Handler<RoutingContext> {
  public static final String FIELD = "_csrf";
  public static final String HEADER = "X-CSRF-Token";
  /** Set on the routing context by the API's bearer handler: no ambient credential, so no CSRF risk. */
  public static final String BEARER = "sekisho.bearer";
  private static final String SESSION_KEY = "csrf";

  private final Pages pages;

  public Csrf(Pages pages) {
    this.pages = pages;
  }

  /** The session's token, created on first use. */
  public static String token(RoutingContext ctx) {
    Session session = ctx.session();
    String token = session.get(SESSION_KEY);
    if (token == null) {
      byte[] bytes = new byte[32];
      VertxContextPRNG.current(ctx.vertx()).nextBytes(bytes);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      session.put(SESSION_KEY, token);
    }
    return token;
  }

  /**
   * A sign-in raised the session's privilege: the token of the lower level is dropped, and the
   * next page gets a fresh one, so no token seen before the sign-in stays valid after it.
   */
  public static void renewAtSignIn(Session session) {
    session.remove(SESSION_KEY);
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
      ctx.next();
      return;
    }
    boolean api = ctx.normalizedPath().startsWith(Paths.API + "/");
    if (api && Boolean.TRUE.equals(ctx.get(BEARER))) {
      // Authorization: Bearer is never sent by a browser on its own, so a forged request cannot carry it.
      ctx.next();
      return;
    }
    if (api && ctx.normalizedPath().equals(Paths.API + "/login") && isJson(ctx)) {
      // A cross-site page cannot send a JSON body without a CORS preflight, which this gateway never
      // grants; and there is no session to ride on yet.
      ctx.next();
      return;
    }
    String expected = ctx.session() == null ? null : ctx.session().get(SESSION_KEY);
    String given = ctx.request().getHeader(HEADER);
    if (given == null && !api) {
      // Forms send the field; API calls with the session cookie must send the header.
      given = ctx.request().getFormAttribute(FIELD);
    }
    if (expected == null || given == null || !MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      pages.error(ctx, 403, "errors.csrf");
      return;
    }
    ctx.next();
  }
}
