package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What the passkey routes share: the endpoints webroot/static/passkey.js calls, the model it
 * reads from a page, the one options handler of the three ceremonies, and the JSON answers.
 */
final class PasskeyPages {
  static final String REGISTER_OPTIONS = Paths.PREFIX + "/passkey/register/options";
  static final String REGISTER = Paths.PREFIX + "/passkey/register";

  private final ClientAddress clientAddress;
  private final Pages pages;

  PasskeyPages(ClientAddress clientAddress, Pages pages) {
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  Pages pages() {
    return pages;
  }

  /** What passkey.js reads from the page: endpoints, the CSRF token and its messages. */
  JsonObject ceremonyModel(RoutingContext ctx, String mode) {
    boolean register = "register".equals(mode);
    return new JsonObject().put("mode", mode)
        .put("optionsUrl", register ? REGISTER_OPTIONS : PasskeySignInRoutes.LOGIN_OPTIONS)
        .put("submitUrl", register ? REGISTER : PasskeyRoutes.VERIFY)
        .put("csrfToken", Csrf.token(ctx));
  }

  /**
   * The options of a ceremony: its challenge is kept in the session under {@code challengeKey}
   * (good for one answer) and stored before the options go out.
   */
  void options(RoutingContext ctx, Future<JsonObject> options, String challengeKey, boolean needCredentials) {
    options.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      if (needCredentials && result.result().getJsonArray("allowCredentials").isEmpty()) {
        jsonError(ctx, 404, "passkey.errors.none");
        return;
      }
      ctx.session().put(challengeKey, result.result().getString("challenge"));
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, result.result()));
    });
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  void refused(RoutingContext ctx, Throwable cause) {
    if (cause instanceof PasskeyRefused refused) {
      int status = switch (refused.reason()) {
        case DUPLICATE, TOO_MANY, LAST_METHOD -> 409;
        case NOT_YOURS, SETUP_EXPIRED -> 403;
        default -> 400;
      };
      jsonError(ctx, status, "passkey.errors." + refused.code());
    } else {
      ctx.fail(cause);
    }
  }

  void jsonError(RoutingContext ctx, int status, String key) {
    String lang = pages.i18n().language(ctx);
    String code = key.substring(key.lastIndexOf('.') + 1);
    pages.afterSessionStored(ctx, () -> Pages.json(ctx, status, code, pages.i18n().text(lang, key)));
  }

  AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }
}
