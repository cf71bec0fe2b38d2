package dev.sekisho.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.EmailAddresses;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The account page's email change (signed in), and the page behind the link mailed to the new
 * address (any browser, no session): GET shows one button, POST confirms.
 */
public final class EmailChangePages {
  public static final String PATH = "/sekisho/account/email";

  private final EmailChange service;
  private final SignedInMember signedIn;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public EmailChangePages(EmailChange service, MemberRepository members, ClientAddress clientAddress, Pages pages) {
    this.service = service;
    this.signedIn = new SignedInMember(members, pages);
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(PATH).handler(ctx -> signedIn.then(ctx, member -> show(ctx, member, 200, new JsonObject())));
    router.post(PATH).handler(ctx -> signedIn.then(ctx, member -> submit(ctx, member)));
    router.get(EmailChange.CONFIRM_PATH).handler(this::ask);
    router.post(EmailChange.CONFIRM_PATH).handler(this::confirm);
  }

  private void show(RoutingContext ctx, Member member, int status, JsonObject model) {
    service.pending(member.id()).onComplete(pending -> {
      if (pending.failed()) {
        ctx.fail(pending.cause());
      } else {
        pages.render(ctx, status, "account-email", model.put("current", member.email()).put("pending", pending.result()));
      }
    });
  }

  private void submit(RoutingContext ctx, Member member) {
    if (FormInput.hasMalformedField(ctx)) {
      show(ctx, member, 400, new JsonObject().put("error", "errors.malformed"));
      return;
    }
    String typed = FormInput.field(ctx, "email", 320);
    String email = EmailAddresses.normalize(typed);
    if (email == null) {
      show(ctx, member, 400, new JsonObject().put("error", "onboarding.email.invalid").put("typed", typed));
      return;
    }
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    service.request(member, email, pages.i18n().language(ctx), client).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
        return;
      }
      switch (done.result()) {
        case SENT -> show(ctx, member, 200, new JsonObject().put("notice", "account.emailChange.sent"));
        case SAME_ADDRESS -> show(ctx, member, 400, new JsonObject().put("error", "account.emailChange.same").put("typed", typed));
        case COOLDOWN -> show(ctx, member, 429, new JsonObject().put("error", "account.emailChange.cooldown").put("typed", typed));
        case FLOODED -> show(ctx, member, 429, new JsonObject().put("error", "account.emailChange.flooded").put("typed", typed));
        default -> throw new IllegalStateException(done.result().name());
      }
    });
  }

  /** The button page for a usable link; the reason for one that is not, as the POST would say it. */
  private void ask(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    service.peek(token).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == EmailChange.Confirmed.CONFIRMED) {
        pages.render(ctx, "account-email-confirm", new JsonObject().put("ask", true).put("token", token));
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
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    service.confirm(FormInput.field(ctx, "token", 128), client).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else {
        render(ctx, result.result());
      }
    });
  }

  private void render(RoutingContext ctx, EmailChange.Confirmed outcome) {
    int status = switch (outcome) {
      case CONFIRMED -> 200;
      case USED, EXPIRED -> 410;
      case UNKNOWN -> 404;
    };
    String key = switch (outcome) {
      case CONFIRMED -> "account.emailChange.confirmed";
      case USED -> "onboarding.confirm.used";
      case EXPIRED -> "onboarding.confirm.expired";
      case UNKNOWN -> "onboarding.confirm.unknown";
    };
    pages.render(ctx, status, "account-email-confirm", new JsonObject()
        .put(outcome == EmailChange.Confirmed.CONFIRMED ? "notice" : "error", key));
  }
}
