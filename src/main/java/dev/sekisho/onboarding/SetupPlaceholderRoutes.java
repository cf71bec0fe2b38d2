package dev.sekisho.onboarding;

import dev.sekisho.journey.Journey;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * A stand-in for the set-up pages of the factor issues (J2): says set-up is not available yet.
 * Enforcement does not depend on it (a member who onboarded is still sent here at each login and
 * never reaches the portal). Remove this class and its mount line in HttpVerticle when the factor
 * branches provide /sekisho/setup/METHOD.
 */
public final class SetupPlaceholderRoutes {
  private final Pages pages;

  public SetupPlaceholderRoutes(Pages pages) {
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(Journey.SETUP_PREFIX + "*").handler(ctx -> {
      if (MemberSession.memberId(ctx.session()) == null) {
        pages.redirect(ctx, Paths.LOGIN);
        return;
      }
      String method = ctx.normalizedPath().substring(Journey.SETUP_PREFIX.length());
      pages.render(ctx, "setup-unavailable", new JsonObject().put("method", method));
    });
  }
}
