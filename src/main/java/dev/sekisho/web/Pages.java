package dev.sekisho.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;

/**
 * Renders member pages, redirects and error answers, in the visitor's language.
 *
 * <p>Every answer first stores the session, then sends: vertx-web would otherwise store it only
 * after the headers went out, and a browser quick enough to send the next request (the form
 * post after a page, the page after a redirect) could find the old session, or none.
 */
public final class Pages {
  /** The code of the JSON error a request was answered with ({@link #json(RoutingContext, int, String, String)}), for its audit. */
  public static final String ERROR_CODE = "sekisho.errorCode";

  private final Templates templates;
  private final I18n i18n;
  private final SessionHandler sessions;

  public Pages(Templates templates, I18n i18n, SessionHandler sessions) {
    this.templates = templates;
    this.i18n = i18n;
    this.sessions = sessions;
  }

  public SessionHandler sessions() {
    return sessions;
  }

  public I18n i18n() {
    return i18n;
  }

  public void render(RoutingContext ctx, String template, JsonObject model) {
    render(ctx, 200, template, model);
  }

  public void render(RoutingContext ctx, int status, String template, JsonObject model) {
    if (ctx.response().ended()) {
      return;
    }
    String html = html(ctx, template, model);
    afterSessionStored(ctx, () -> sendHtml(ctx, status, html));
  }

  private String html(RoutingContext ctx, String template, JsonObject model) {
    String lang = i18n.language(ctx);
    JsonObject page = model.copy()
        .put("t", i18n.messages(lang))
        .put("lang", lang)
        .put("otherLang", "ja".equals(lang) ? "en" : "ja")
        .put("langQuery", languageSwitchQuery(ctx, "ja".equals(lang) ? "en" : "ja"));
    // Handlers name messages by key; the page gets the text in its language.
    if (model.getValue("error") instanceof String key) {
      page.put("errorText", i18n.text(lang, key));
    }
    if (model.getValue("notice") instanceof String key) {
      page.put("noticeText", i18n.text(lang, key));
    }
    if (ctx.session() != null) {
      page.put("csrf", Csrf.token(ctx));
    }
    return templates.render(template, page);
  }

  /**
   * The language switch's link: this page's own query with only {@code lang} replaced, so a page
   * that lives on its query (the mailed confirmation link's token) still works in the other
   * language. A query that does not decode (the 400 page for it) gets a plain {@code ?lang=}.
   */
  static String languageSwitchQuery(RoutingContext ctx, String otherLang) {
    String query = ctx.request().query();
    StringBuilder out = new StringBuilder("?");
    if (query != null && !query.isEmpty()) {
      try {
        var decoded = new io.netty.handler.codec.http.QueryStringDecoder(query, false).parameters();
        for (var entry : decoded.entrySet()) {
          if (entry.getKey().equals("lang")) {
            continue;
          }
          for (String value : entry.getValue()) {
            out.append(encode(entry.getKey())).append('=').append(encode(value)).append('&');
          }
        }
      } catch (IllegalArgumentException malformed) {
        out.setLength(1);
      }
    }
    return out.append("lang=").append(otherLang).toString();
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void sendHtml(RoutingContext ctx, int status, String html) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        // Member pages carry personal data: never cache them anywhere.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(html);
  }

  /**
   * 503 while the database is unavailable: a page (or the JSON error for API callers) asking to try
   * again shortly. Sent without storing the session, which would need the database too; the member's
   * session and progress stay as they were last stored.
   */
  public void unavailable(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    String lang = i18n.language(ctx);
    String message = i18n.text(lang, "errors.unavailable");
    ctx.response().putHeader("Retry-After", "5");
    if (wantsJson(ctx)) {
      json(ctx, 503, "unavailable", message);
      return;
    }
    sendHtml(ctx, 503, html(ctx, "error", new JsonObject().put("status", 503).put("message", message)));
  }

  /** A 303 to a path of ours, after the session is stored. */
  public void redirect(RoutingContext ctx, String location) {
    afterSessionStored(ctx, () -> ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end());
  }

  /** Runs send once the session (if this request has one) is in the store. */
  public void afterSessionStored(RoutingContext ctx, Runnable send) {
    if (ctx.session() == null) {
      send.run();
      return;
    }
    sessions.flush(ctx, true).onComplete(stored -> {
      if (ctx.response().ended()) {
        return;
      }
      if (stored.failed()) {
        ctx.fail(stored.cause());
      } else {
        send.run();
      }
    });
  }

  /** A clear error: a page for browsers, JSON for API callers. Never a stack trace. */
  public void error(RoutingContext ctx, int status, String messageKey) {
    if (ctx.response().ended()) {
      return;
    }
    String lang = i18n.language(ctx);
    String message = i18n.text(lang, messageKey);
    if (wantsJson(ctx)) {
      json(ctx, status, messageKey.substring(messageKey.lastIndexOf('.') + 1), message);
      return;
    }
    render(ctx, status, "error", new JsonObject().put("status", status).put("message", message));
  }

  public static boolean wantsJson(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return path.startsWith(Paths.ADMIN_API + "/") || path.startsWith(Paths.API + "/")
        || (accept != null && accept.contains("application/json") && !accept.contains("text/html"));
  }

  public static void json(RoutingContext ctx, int status, String code, String message) {
    ctx.put(ERROR_CODE, code);
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode());
  }

  public static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body));
  }
}
