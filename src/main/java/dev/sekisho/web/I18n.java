package dev.sekisho.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * The member pages' words, Japanese first. A page picks its language from ?lang= (remembered in a
 * cookie), then the cookie, then Accept-Language, and falls back to Japanese.
 */
public final class I18n {
  public static final String DEFAULT = "ja";
  public static final String COOKIE = "sekisho.lang";
  private final Map<String, JsonObject> messages;

  /** @param messages language code to its message tree (webroot/i18n/LANG.json) */
  public I18n(Map<String, JsonObject> messages) {
    if (!messages.containsKey(DEFAULT)) {
      throw new IllegalArgumentException("the Japanese messages are required");
    }
    this.messages = Map.copyOf(messages);
  }

  public String language(RoutingContext ctx) {
    String asked = queryLang(ctx);
    if (asked != null && messages.containsKey(asked)) {
      ctx.response().addCookie(Cookie.cookie(COOKIE, asked).setPath("/").setHttpOnly(true).setSecure(ctx.request().isSSL())
          .setSameSite(CookieSameSite.LAX).setMaxAge(365L * 24 * 3600));
      return asked;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null && messages.containsKey(cookie.getValue())) {
      return cookie.getValue();
    }
    for (String tag : AcceptLanguage.tags(ctx.request().getHeader(HttpHeaders.ACCEPT_LANGUAGE))) {
      // "en-GB" is served the English pages.
      String primary = tag.indexOf('-') > 0 ? tag.substring(0, tag.indexOf('-')) : tag;
      if (messages.containsKey(tag)) {
        return tag;
      }
      if (messages.containsKey(primary)) {
        return primary;
      }
    }
    return DEFAULT;
  }

  /**
   * ?lang= of the query, or null. Read defensively: a portal path's query is not checked by
   * MalformedPaths, and an error page for it must still render.
   */
  private static String queryLang(RoutingContext ctx) {
    if (ctx.request().query() == null) {
      return null;
    }
    try {
      return ctx.queryParams().get("lang");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public JsonObject messages(String language) {
    return messages.getOrDefault(language, messages.get(DEFAULT));
  }

  /** One message by dotted key, for text built outside templates (mails, JSON errors). */
  public String text(String language, String dottedKey) {
    Object node = messages(language);
    for (String part : dottedKey.split("\\.")) {
      if (!(node instanceof JsonObject obj)) {
        return dottedKey;
      }
      node = obj.getValue(part);
    }
    return node instanceof String s ? s : dottedKey;
  }
}
