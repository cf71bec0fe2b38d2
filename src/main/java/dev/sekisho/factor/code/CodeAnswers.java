package dev.sekisho.factor.code;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.member.Member;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the code pages answer a check: the status and message of each result, the code form, and
 * the audit record. Shared by the sign-in, set-up and account pages of every code factor.
 */
public final class CodeAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(CodeAnswers.class);

  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public CodeAnswers(AuditLog audit, ClientAddress clientAddress, Pages pages) {
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public static int status(CheckResult result) {
    return switch (result) {
      case LOCKED -> 429;
      case EXPIRED -> 410;
      case NOT_SET_UP -> 404;
      default -> 401;
    };
  }

  public static String message(CheckResult result) {
    return switch (result) {
      case LOCKED -> "otp.errors.locked";
      case EXPIRED -> "otp.errors.expired";
      case NOT_SET_UP -> "otp.errors.notSetUp";
      default -> "otp.errors.invalid";
    };
  }

  /**
   * The code form: at the second step (no intent), or as the fresh check of a change on the
   * account page (the intent says which change).
   */
  public void renderCode(RoutingContext ctx, int status, Method method, String action, String error, String intent) {
    JsonObject model = new JsonObject().put("method", method.code()).put("action", action)
        .put("resync", method == Method.HOTP && intent == null).put("login", intent == null)
        .put("heading", pages.i18n().text(pages.i18n().language(ctx), "otp.title." + method.code()));
    if (intent != null) {
      model.put("intent", intent).put("recovered", SignInProgress.of(ctx.session()).recovered());
    }
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-code", model);
  }

  public String clientAddress(RoutingContext ctx) {
    return clientAddress.of(ctx);
  }

  /** The request's address and browser, for an audit event. */
  public AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }

  public void audit(RoutingContext ctx, Member member, String kind, CheckResult result) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    audit.record(AuditEvent.of(member.id(), member.loginId(), kind, result.name().toLowerCase(), client))
        .onFailure(err -> LOG.warn("audit of {} failed: {}", kind, err.toString()));
  }
}
