package dev.sekisho.factor.code;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.SecondFactor;
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
  private final SecurityNotices notices;
  private final SecondStepLimit limit;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public CodeAnswers(AuditLog audit, ClientAddress clientAddress, Pages pages, SecurityNotices notices, SecondStepLimit limit) {
    this.limit = limit;
    this.audit = audit;
    this.notices = notices;
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

  /**
   * The audit event of a pass of this kind by this request (outcome ok), for the answer to carry
   * ({@link SecondFactor.Answer#passing}): a factor may write it with the check itself.
   */
  public AuditEvent passed(RoutingContext ctx, Member member, String kind) {
    return AuditEvent.of(member.id(), member.loginId(), kind, CheckResult.OK.name().toLowerCase(), client(ctx));
  }

  /**
   * Audits the result of a check whose answer carried {@code passed}: a pass that the factor wrote
   * with its check ({@link SecondFactor#writesPassedEvent}) is only told to the log's observers (the
   * metrics), so it is in the log once; anything else is recorded as {@link #audit} records it.
   */
  public void audit(RoutingContext ctx, Member member, SecondFactor factor, AuditEvent passed, CheckResult result) {
    if (result == CheckResult.OK && factor.writesPassedEvent()) {
      audit.written(passed);
      return;
    }
    audit(ctx, member, passed.kind(), result);
  }

  public void audit(RoutingContext ctx, Member member, String kind, CheckResult result) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    audit.record(AuditEvent.of(member.id(), member.loginId(), kind, result.name().toLowerCase(), client))
        .onFailure(err -> LOG.warn("audit of {} failed: {}", kind, err.toString()));
    if (result == CheckResult.LOCKED) {
      // LOCKED is also the answer during a back-off wait of seconds: only a real lock (or hold) is
      // told, and SecurityNotices sends one mail per lock period however often it is said.
      limit.lockedOrHeld(member.id()).onSuccess(locked -> {
        if (locked) {
          tell(ctx, member.id(), Notice.ACCOUNT_LOCKED, null);
        }
      }).onFailure(err -> LOG.warn("lock check for a notice failed: {}", err.toString()));
    }
  }

  /**
   * Tells the member by mail of a change just committed (a method added or removed, a recovery code
   * used), with this request's browser and address. The change stands whatever becomes of the mail.
   */
  public void tell(RoutingContext ctx, long memberId, Notice notice, String methodCode) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    notices.send(memberId, notice, NoticeContext.from(client).withMethod(methodCode))
        .onFailure(err -> LOG.warn("notice {} failed: {}", notice, err.toString()));
  }
}
