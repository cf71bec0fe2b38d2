package dev.sekisho.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.LanguageHeader;
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
    String asked = ctx.request().getParam("lang");
    if (asked != null && messages.containsKey(asked)) {
      ctx.response().addCookie(Cookie.cookie(COOKIE, asked).setPath("/").setHttpOnly(true).setSecure(ctx.request().isSSL())
          .setSameSite(CookieSameSite.LAX).setMaxAge(365L * 24 * 3600));
      return asked;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie != null && messages.containsKey(cookie.getValue())) {
      return cookie.getValue();
    }
    for (LanguageHeader header : ctx.acceptableLanguages()) {
      if (messages.containsKey(header.tag())) {
        return header.tag();
      }
    }
    return DEFAULT;
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
