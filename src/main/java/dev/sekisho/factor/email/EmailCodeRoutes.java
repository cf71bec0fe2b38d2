package dev.sekisho.factor.email;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.code.SecondStepRoutes;
import dev.sekisho.factor.recovery.RecoveryCodesPage;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The email code pages: set-up (J2.7, the code sent to the member's address proves it) and the
 * second step with an email code (J3.1). Both send on arrival and on 再送信 (resend).
 */
public final class EmailCodeRoutes {
  private static final String VERIFY = FactorPaths.verify(Method.EMAIL.code());
  private static final Stage SETTING_UP = Stage.settingUp(Method.EMAIL, FactorPaths.ACCOUNT);

  private final SecondFactors factors;
  private final OtpSettings settings;
  private final SecondStepLimit limit;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final RecoveryCodesPage codesPage;
  private final SecondStepRoutes secondStep;
  private final EmailOtpService email;
  private final Pages pages;

  public EmailCodeRoutes(SecondFactors factors, EmailOtpService email, OtpSettings settings, SecondStepLimit limit,
                         StageGuard guard, CodeAnswers answers, RecoveryCodesPage codesPage, SecondStepRoutes secondStep,
                         Pages pages) {
    this.factors = factors;
    this.email = email;
    this.settings = settings;
    this.limit = limit;
    this.guard = guard;
    this.answers = answers;
    this.codesPage = codesPage;
    this.secondStep = secondStep;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(FactorPaths.SETUP_EMAIL).handler(guard.requireStage(SETTING_UP)).handler(ctx -> show(ctx, true, false));
    router.post(FactorPaths.SETUP_EMAIL).handler(guard.requireStage(SETTING_UP)).handler(this::confirmSetUp);
    router.post(FactorPaths.SETUP_EMAIL + "/resend").handler(guard.requireStage(SETTING_UP)).handler(ctx -> show(ctx, true, true));
    router.get(VERIFY).handler(guard.requireStage(Stage.SECOND_STEP)).handler(ctx -> show(ctx, false, false));
    router.post(VERIFY).handler(guard.requireStage(Stage.SECOND_STEP)).handler(this::signIn);
    router.post(VERIFY + "/resend").handler(guard.requireStage(Stage.SECOND_STEP)).handler(ctx -> show(ctx, false, true));
  }

  private SecondFactor factor() {
    return factors.of(Method.EMAIL);
  }

  private void show(RoutingContext ctx, boolean setup, boolean resend) {
    Member member = StageGuard.member(ctx);
    Future<Boolean> allowed = setup ? Future.succeededFuture(true) : factor().configuredFor(member.id());
    allowed.compose(ok -> {
      if (!ok) {
        pages.redirect(ctx, Journey.VERIFY);
        return Future.succeededFuture();
      }
      return factor().challenge(member, resend, answers.clientAddress(ctx), pages.i18n().language(ctx)).compose(sent -> {
        String notice = switch (sent) {
          case SENT -> resend ? "otp.email.resent" : "otp.email.sent";
          case ALREADY_LIVE -> "otp.email.sent";
          default -> null;
        };
        String error = switch (sent) {
          case COOLDOWN -> "otp.email.cooldown";
          case HOURLY_CAP -> "otp.email.hourlyCap";
          default -> null;
        };
        return email.mailDelayed(member.id()).map(delayed -> {
          // SMTP refusing or stalling: say so (and that 再送信 may help later) rather than leave the member waiting.
          render(ctx, error == null ? 200 : 429, setup, notice, error != null ? error : delayed ? "otp.email.delayed" : null);
          return null;
        });
      });
    }).onFailure(ctx::fail);
  }

  private void render(RoutingContext ctx, int status, boolean setup, String notice, String error) {
    String base = setup ? FactorPaths.SETUP_EMAIL : VERIFY;
    JsonObject model = new JsonObject().put("action", base).put("resendAction", base + "/resend").put("login", !setup)
        .put("validity", settings.emailValidity().toMinutes());
    if (notice != null) {
      model.put("notice", notice);
    }
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-email", model);
  }

  private void confirmSetUp(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String code = FormInput.field(ctx, "code", 64);
    String replacing = SignInProgress.of(ctx.session()).replacing();
    factor().activate(member.id(), code, factors.byCode(replacing).orElse(null)).map(activation -> {
      answers.audit(ctx, member, "otp.email.setup", activation.result());
      if (activation.result() == CheckResult.OK) {
        codesPage.setUp(ctx, Method.EMAIL, activation.recoveryCodes());
      } else {
        render(ctx, CodeAnswers.status(activation.result()), true, null, CodeAnswers.message(activation.result()));
      }
      return null;
    }).onFailure(ctx::fail);
  }

  private void signIn(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String code = FormInput.field(ctx, "code", 64);
    AuditEvent passed = secondStep.passedEvent(ctx, member, factor());
    limit.fromAddress(answers.clientAddress(ctx), () -> factor().verify(SecondFactor.Answer.code(member.id(), code).passing(passed)))
        .map(result -> {
          secondStep.answer(ctx, member, factor(), passed, result,
              () -> render(ctx, CodeAnswers.status(result), false, null, CodeAnswers.message(result)));
          return null;
        }).onFailure(ctx::fail);
  }
}
