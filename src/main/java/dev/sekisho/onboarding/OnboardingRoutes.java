package dev.sekisho.onboarding;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.journey.OnboardingFlow;
import dev.sekisho.journey.OnboardingFlow.Page;
import dev.sekisho.member.EmailAddresses;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.onboarding.OnboardingService.Outcome;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.BiConsumer;

/**
 * The first-login pages J1.2–J1.10 under /sekisho/onboarding. Every handler first reads the
 * member's progress and, unless the page belongs to the current state, redirects to the page
 * that does (see {@link OnboardingFlow}). Forms then call one service step, which moves the state
 * only if it is still the one the page belongs to: a replayed form or a second tab gets the
 * current page, never a skipped step.
 */
public final class OnboardingRoutes {
  private static final long KEEPALIVE_MS = 15_000;

  private final OnboardingService service;
  private final OnboardingTexts texts;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public OnboardingRoutes(OnboardingService service, OnboardingTexts texts, ClientAddress clientAddress, Pages pages) {
    this.service = service;
    this.texts = texts;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    String base = OnboardingFlow.BASE;
    router.get(base).handler(this::current);
    router.get(base + "/").handler(this::current);
    router.get(Page.BIRTHDATE.path()).handler(ctx -> on(ctx, Page.BIRTHDATE, this::showBirthdate));
    router.post(Page.BIRTHDATE.path()).handler(ctx -> on(ctx, Page.BIRTHDATE, this::submitBirthdate));
    router.get(Page.TERMS.path()).handler(ctx -> on(ctx, Page.TERMS, this::showTerms));
    router.post(Page.TERMS.path()).handler(ctx -> on(ctx, Page.TERMS, this::submitTerms));
    router.get(Page.EMAIL.path()).handler(ctx -> on(ctx, Page.EMAIL, (c, p) -> showEmail(c, p, 200, new JsonObject())));
    router.post(Page.EMAIL.path()).handler(ctx -> on(ctx, Page.EMAIL, this::submitEmail));
    router.get(Page.WAIT.path()).handler(ctx -> on(ctx, Page.WAIT, (c, p) -> showWait(c, p, 200, new JsonObject())));
    router.post(Page.WAIT.path() + "/resend").handler(ctx -> on(ctx, Page.WAIT, this::resend));
    router.get(Page.WAIT.path() + "/status").handler(this::waitStatus);
    router.get(Page.WAIT.path() + "/events").handler(this::waitEvents);
    router.get(base + "/confirm").handler(this::confirm);
    router.get(Page.METHOD.path()).handler(ctx -> on(ctx, Page.METHOD, (c, p) -> showMethod(c, p, 200, null)));
    router.post(Page.METHOD.path()).handler(ctx -> on(ctx, Page.METHOD, this::submitMethod));
    router.get(Page.PASSWORD.path()).handler(ctx -> on(ctx, Page.PASSWORD, (c, p) -> showPassword(c, 200, null)));
    router.post(Page.PASSWORD.path()).handler(ctx -> on(ctx, Page.PASSWORD, this::submitPassword));
    router.get(Page.COMPLETE.path()).handler(ctx -> on(ctx, Page.COMPLETE, (c, p) -> pages.render(c, "onboarding-complete", new JsonObject())));
    router.post(Page.COMPLETE.path()).handler(ctx -> on(ctx, Page.COMPLETE, this::finish));
    router.get(base + "/bye").handler(ctx -> pages.render(ctx, "onboarding-bye", new JsonObject()));
  }

  /** Runs the handler when the signed-in member may see this page; otherwise redirects. */
  private void on(RoutingContext ctx, Page page, BiConsumer<RoutingContext, Progress> handler) {
    withProgress(ctx, p -> {
      String elsewhere = p.redirectFor(page);
      if (elsewhere != null) {
        pages.redirect(ctx, elsewhere);
      } else if (FormInput.hasMalformedField(ctx)) {
        pages.error(ctx, 400, "errors.malformed");
      } else {
        handler.accept(ctx, p);
      }
    });
  }

  private void withProgress(RoutingContext ctx, Handler<Progress> then) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null || MemberSession.level(ctx.session()) == MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    service.progress(memberId).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
      } else {
        then.handle(found.result());
      }
    });
  }

  private void current(RoutingContext ctx) {
    withProgress(ctx, p -> pages.redirect(ctx, p.page()));
  }

  private AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }

  /** After a step: to the page of the (new) current state, read afresh. */
  private void onward(RoutingContext ctx, Future<Outcome> step, Handler<Outcome> otherwise) {
    step.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == Outcome.OK || result.result() == Outcome.STALE) {
        current(ctx);
      } else {
        otherwise.handle(result.result());
      }
    });
  }

  // J1.2
  private void showBirthdate(RoutingContext ctx, Progress p) {
    pages.render(ctx, "onboarding-birthdate", new JsonObject().put("name", p.member().name()));
  }

  private void submitBirthdate(RoutingContext ctx, Progress p) {
    LocalDate typed = parseDate(FormInput.field(ctx, "birthdate", 32));
    if (typed == null) {
      pages.render(ctx, 400, "onboarding-birthdate", new JsonObject().put("error", "onboarding.birthdate.format"));
      return;
    }
    onward(ctx, service.verifyBirthdate(p, typed, client(ctx)), outcome -> {
      if (outcome == Outcome.LOCKED) {
        ctx.session().destroy();
        pages.render(ctx, 429, "login", new JsonObject().put("error", "login.locked"));
      } else {
        pages.render(ctx, 400, "onboarding-birthdate", new JsonObject().put("error", "onboarding.birthdate.wrong"));
      }
    });
  }

  /** yyyy-MM-dd (the date input), yyyyMMdd or yyyy/MM/dd, full-width digits allowed. */
  static LocalDate parseDate(String typed) {
    if (typed == null) {
      return null;
    }
    String value = Normalizer.normalize(typed, Normalizer.Form.NFKC).trim().replace('/', '-').replace('.', '-');
    if (value.matches("\\d{8}")) {
      value = value.substring(0, 4) + "-" + value.substring(4, 6) + "-" + value.substring(6);
    }
    if (!value.matches("\\d{4}-\\d{1,2}-\\d{1,2}")) {
      return null;
    }
    String[] parts = value.split("-");
    try {
      return LocalDate.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    } catch (java.time.DateTimeException e) {
      return null;
    }
  }

  // J1.3
  private void showTerms(RoutingContext ctx, Progress p) {
    String lang = pages.i18n().language(ctx);
    pages.render(ctx, "onboarding-terms", new JsonObject()
        .put("terms", texts.terms(lang))
        .put("version", service.settings().termsVersion())
        .put("reaccept", p.termsOutdated()));
  }

  private void submitTerms(RoutingContext ctx, Progress p) {
    if (!"yes".equals(FormInput.field(ctx, "agree", 8))) {
      showTerms(ctx, p);
      return;
    }
    onward(ctx, service.acceptTerms(p, client(ctx)), outcome -> current(ctx));
  }

  // J1.4
  private void showEmail(RoutingContext ctx, Progress p, int status, JsonObject model) {
    pages.render(ctx, status, "onboarding-email", model.put("current", p.member().email())
        .put("pending", p.pendingEmail()));
  }

  private void submitEmail(RoutingContext ctx, Progress p) {
    String typed = FormInput.field(ctx, "email", 320);
    String given = ctx.request().getFormAttribute("email");
    if (typed == null && given != null && !given.isBlank()) {
      // Found by the bad-input fuzz suite: an address over the length limit read as null, which
      // meant "blank: send to the registered address" and sent a confirmation mail. A typed address
      // that cannot be read is refused like any invalid one.
      showEmail(ctx, p, 400, new JsonObject().put("error", "onboarding.email.invalid"));
      return;
    }
    String email = typed == null || typed.isBlank() ? p.member().email() : EmailAddresses.normalize(typed);
    if (email == null) {
      showEmail(ctx, p, 400, new JsonObject().put("error", "onboarding.email.invalid").put("typed", typed));
      return;
    }
    send(ctx, p, email);
  }

  private void send(RoutingContext ctx, Progress p, String email) {
    String lang = pages.i18n().language(ctx);
    service.sendConfirmation(p, email, lang, client(ctx)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == Outcome.OK) {
        pages.redirect(ctx, Page.WAIT.path() + "?sent=1");
      } else if (result.result() == Outcome.COOLDOWN) {
        showWait(ctx, p, 429, new JsonObject().put("error", "onboarding.wait.cooldown"));
      } else if (result.result() == Outcome.FLOODED) {
        showWait(ctx, p, 429, new JsonObject().put("error", "onboarding.wait.flooded"));
      } else {
        current(ctx);
      }
    });
  }

  // J1.5 (the link, any browser, no session needed)
  private void confirm(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    service.confirm(token).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      OnboardingService.Confirmation outcome = result.result();
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
          .put(outcome == OnboardingService.Confirmation.CONFIRMED ? "notice" : "error", key)
          .put("confirmed", outcome == OnboardingService.Confirmation.CONFIRMED));
    });
  }

  // J1.6
  private void showWait(RoutingContext ctx, Progress p, int status, JsonObject model) {
    if (ctx.request().getParam("sent") != null && !model.containsKey("error")) {
      model.put("notice", "onboarding.wait.sent");
    }
    long cooldownLeft = 0;
    if (p.lastSentAt() != null) {
      OffsetDateTime allowed = p.lastSentAt().plus(service.settings().resendCooldown());
      cooldownLeft = Math.max(0, java.time.Duration.between(OffsetDateTime.now(), allowed).toSeconds());
    }
    pages.render(ctx, status, "onboarding-wait", model
        .put("pending", p.pendingEmail() != null ? p.pendingEmail() : p.member().email())
        .put("cooldownSeconds", cooldownLeft));
  }

  private void resend(RoutingContext ctx, Progress p) {
    send(ctx, p, p.pendingEmail() != null ? p.pendingEmail() : p.member().email());
  }

  /** For the page script: {"confirmed": bool, "next": path}. */
  private void waitStatus(RoutingContext ctx) {
    withProgress(ctx, p -> Pages.json(ctx, 200, new JsonObject()
        .put("confirmed", p.state().ordinal() > MemberState.TERMS_ACCEPTED.ordinal())
        .put("next", p.page())));
  }

  /**
   * Server-sent events for the waiting page: one "confirmed" event as soon as the link is opened,
   * in this process or another (NOTIFY through {@link ConfirmationSignals}), then the stream ends.
   */
  private void waitEvents(RoutingContext ctx) {
    withProgress(ctx, p -> {
      HttpServerResponse response = ctx.response();
      response.setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("X-Accel-Buffering", "no");
      if (p.state().ordinal() > MemberState.TERMS_ACCEPTED.ordinal()) {
        response.end(confirmedEvent(p.page()));
        return;
      }
      long memberId = p.memberId();
      MessageConsumer<Long> consumer = ctx.vertx().eventBus().localConsumer(ConfirmationSignals.ADDRESS);
      long keepalive = ctx.vertx().setPeriodic(KEEPALIVE_MS, id -> {
        if (!response.ended() && !response.closed()) {
          response.write(": keepalive\n\n");
        }
      });
      Runnable cleanup = () -> {
        ctx.vertx().cancelTimer(keepalive);
        consumer.unregister();
      };
      response.closeHandler(v -> cleanup.run());
      response.endHandler(v -> cleanup.run());
      consumer.handler(msg -> {
        if (msg.body() == memberId && !response.ended() && !response.closed()) {
          response.end(confirmedEvent(OnboardingFlow.Page.METHOD.path()));
        }
      });
      // Registered before the check below, so a confirmation between the two is not missed.
      consumer.completion().compose(v -> service.progress(memberId)).onSuccess(now -> {
        if (now != null && now.state().ordinal() > MemberState.TERMS_ACCEPTED.ordinal()
            && !response.ended() && !response.closed()) {
          response.end(confirmedEvent(now.page()));
        } else if (!response.ended() && !response.closed()) {
          response.write(": waiting\n\n");
        }
      });
    });
  }

  private static String confirmedEvent(String next) {
    return "event: confirmed\ndata: " + new JsonObject().put("next", next).encode() + "\n\n";
  }

  // J1.7
  private void showMethod(RoutingContext ctx, Progress p, int status, String error) {
    JsonArray methods = new JsonArray();
    boolean first = true;
    String lang = pages.i18n().language(ctx);
    for (String code : service.settings().methods()) {
      methods.add(new JsonObject().put("code", code).put("checked", first)
          .put("label", pages.i18n().text(lang, "onboarding.method." + code))
          .put("hint", pages.i18n().text(lang, "onboarding.method." + code + "Hint")));
      first = false;
    }
    JsonObject model = new JsonObject().put("methods", methods);
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "onboarding-method", model);
  }

  private void submitMethod(RoutingContext ctx, Progress p) {
    String method = FormInput.field(ctx, "method", 16);
    if (method == null || !service.settings().methods().contains(method)) {
      showMethod(ctx, p, 400, "onboarding.method.invalid");
      return;
    }
    onward(ctx, service.chooseMethod(p, Method.fromCode(method).orElseThrow(), client(ctx)), outcome -> current(ctx));
  }

  // J1.8
  private void showPassword(RoutingContext ctx, int status, String error) {
    JsonObject model = new JsonObject().put("minLength", service.settings().passwordMinLength())
        .put("maxLength", service.settings().passwordMaxLength());
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "onboarding-password", model);
  }

  private void submitPassword(RoutingContext ctx, Progress p) {
    int max = service.settings().passwordMaxLength();
    String password = FormInput.field(ctx, "password", max + 1);
    String again = FormInput.field(ctx, "password_confirm", max + 1);
    if (password == null || password.isEmpty()) {
      showPassword(ctx, 400, "onboarding.password.missing");
      return;
    }
    if (!password.equals(again)) {
      showPassword(ctx, 400, "onboarding.password.mismatch");
      return;
    }
    String problem = service.passwordProblem(p, password);
    if (problem != null) {
      showPassword(ctx, 400, problem);
      return;
    }
    onward(ctx, service.setPassword(p, password, client(ctx)), outcome -> showPassword(ctx, 400, "onboarding.password.same"));
  }

  // J1.9 → J1.10
  private void finish(RoutingContext ctx, Progress p) {
    service.finish(p, client(ctx)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      ctx.session().destroy();
      pages.redirect(ctx, OnboardingFlow.BASE + "/bye");
    });
  }
}
