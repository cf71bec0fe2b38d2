package dev.sekisho.factor.recovery;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.notify.Notice;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.member.Member;
import dev.sekisho.session.SignIn;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A recovery code at the second step (J3.1, the member lost their device): the session becomes
 * complete, and the member is sent to set a method up again on the account page, with the code
 * as the fresh proof for that one change.
 */
public final class RecoverySignInRoutes {
  private final SecondFactors factors;
  private final SecondStepLimit limit;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final Pages pages;

  public RecoverySignInRoutes(SecondFactors factors, SecondStepLimit limit, StageGuard guard, CodeAnswers answers, Pages pages) {
    this.factors = factors;
    this.limit = limit;
    this.guard = guard;
    this.answers = answers;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(FactorPaths.VERIFY_RECOVERY).handler(guard.requireStage(Stage.SECOND_STEP))
        .handler(ctx -> pages.render(ctx, "otp-recovery", new JsonObject()));
    router.post(FactorPaths.VERIFY_RECOVERY).handler(guard.requireStage(Stage.SECOND_STEP)).handler(this::submit);
  }

  private void submit(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String code = FormInput.field(ctx, "code", 64);
    SecondFactor recovery = factors.byCode(RecoveryFactor.CODE).orElseThrow();
    limit.fromAddress(answers.clientAddress(ctx), () -> recovery.verify(SecondFactor.Answer.code(member.id(), code)))
        .map(result -> {
          answers.audit(ctx, member, "otp.verify.recovery", result);
          if (result == CheckResult.OK) {
            SignIn.upgrade(ctx.session(), SignIn.RECOVERY);
            SignInProgress.of(ctx.session()).markRecovered();
            answers.tell(ctx, member.id(), Notice.RECOVERY_CODE_USED, null);
            pages.redirect(ctx, FactorPaths.ACCOUNT + "?recovered=1");
          } else {
            pages.render(ctx, CodeAnswers.status(result), "otp-recovery", new JsonObject().put("error", CodeAnswers.message(result)));
          }
          return null;
        }).onFailure(ctx::fail);
  }
}
