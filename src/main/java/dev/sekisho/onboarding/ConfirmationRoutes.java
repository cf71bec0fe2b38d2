package dev.sekisho.onboarding;

import dev.sekisho.journey.OnboardingFlow;
import dev.sekisho.onboarding.OnboardingService.Confirmation;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * J1.5, the mailed confirmation link (any browser, no session needed). Opening the link (GET)
 * changes nothing: it shows one button, and only pressing it (a POST carrying the CSRF token of
 * that page) confirms. Corporate mail scanners fetch every link in a mail before the member sees
 * it; with a confirming GET they confirmed the address on the member's behalf.
 */
public final class ConfirmationRoutes {
  public static final String PATH = OnboardingFlow.BASE + "/confirm";

  private final OnboardingService service;
  private final Pages pages;

  public ConfirmationRoutes(OnboardingService service, Pages pages) {
    this.service = service;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::show);
    router.post(PATH).handler(this::confirm);
  }

  /** The button page for a usable link; the reason for one that is not, as the POST would say it. */
  private void show(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    service.peekConfirmation(token).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == Confirmation.CONFIRMED) {
        pages.render(ctx, "onboarding-confirm", new JsonObject().put("ask", true).put("token", token));
      } else {
        render(ctx, result.result());
      }
    });
  }

  private void confirm(RoutingContext ctx) {
    if (FormInput.hasMalformedField(ctx)) {
      pages.error(ctx, 400, "errors.malformed");
      return;
    }
    Future<Confirmation> done = service.confirm(FormInput.field(ctx, "token", 128));
    done.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else {
        render(ctx, result.result());
      }
    });
  }

  private void render(RoutingContext ctx, Confirmation outcome) {
    int status = switch (outcome) {
      case CONFIRMED -> 200;
      case USED, EXPIRED -> 410;
      case UNKNOWN -> 404;
    };
    String key = switch (outcome) {
      case CONFIRMED -> "onboarding.confirm.done";
      case USED -> "onboarding.confirm.used";
      case EXPIRED -> "onboarding.confirm.expired";
      case UNKNOWN -> "onboarding.confirm.unknown";
    };
    pages.render(ctx, status, "onboarding-confirm", new JsonObject()
        .put(outcome == Confirmation.CONFIRMED ? "notice" : "error", key)
        .put("confirmed", outcome == Confirmation.CONFIRMED));
  }
}
