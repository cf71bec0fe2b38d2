package dev.sekisho.factor.code;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The second step at login (J3.1): the choice of method, and the code form of the factors that
 * answer with an app's or a token's code (TOTP, HOTP). Email codes (EmailCodeRoutes), recovery
 * codes (RecoverySignInRoutes) and passkeys (PasskeySignInRoutes) have their own pages and end
 * here, in {@link #answer}.
 */
public final class SecondStepRoutes {
  /** The factors whose second step is this class's code form. */
  private static final List<Method> CODE_FORM = List.of(Method.TOTP, Method.HOTP);

  private final SecondFactors factors;
  private final MethodDirectory methods;
  private final SecondStepLimit limit;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final Pages pages;

  public SecondStepRoutes(SecondFactors factors, MethodDirectory methods, SecondStepLimit limit, StageGuard guard,
                          CodeAnswers answers, Pages pages) {
    this.factors = factors;
    this.methods = methods;
    this.limit = limit;
    this.guard = guard;
    this.answers = answers;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(Journey.VERIFY).handler(guard.requireStage(Stage.SECOND_STEP)).handler(this::choose);
    for (Method method : CODE_FORM) {
      SecondFactor factor = factors.of(method);
      String path = FactorPaths.verify(factor.code());
      router.get(path).handler(guard.requireStage(Stage.SECOND_STEP)).handler(ctx -> show(ctx, method));
      router.post(path).handler(guard.requireStage(Stage.SECOND_STEP)).handler(ctx -> submit(ctx, factor));
    }
  }

  /** The member's methods; one goes straight to its page, several give a choice (last used first). */
  private void choose(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    methods.of(member.id()).map(list -> {
      if (list.size() == 1) {
        pages.redirect(ctx, FactorPaths.verify(list.get(0).code()));
        return null;
      }
      JsonArray choices = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        choices.add(new JsonObject().put("code", list.get(i).code()).put("last", i == 0)
            .put("href", FactorPaths.verify(list.get(i).code())));
      }
      pages.render(ctx, "otp-choose", new JsonObject().put("methods", choices).put("none", list.isEmpty()));
      return null;
    }).onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx, Method method) {
    answers.renderCode(ctx, 200, method, FactorPaths.verify(method.code()), null, null);
  }

  private void submit(RoutingContext ctx, SecondFactor factor) {
    Member member = StageGuard.member(ctx);
    String code = FormInput.field(ctx, "code", 64);
    String next = FormInput.field(ctx, "code2", 64);
    AuditEvent passed = passedEvent(ctx, member, factor);
    limit.fromAddress(answers.clientAddress(ctx),
            () -> factor.verify(SecondFactor.Answer.codes(member.id(), code, next).passing(passed)))
        .map(result -> {
          answer(ctx, member, factor, passed, result, () -> answers.renderCode(ctx, CodeAnswers.status(result), factor.method(),
              FactorPaths.verify(factor.code()), CodeAnswers.message(result), null));
          return null;
        }).onFailure(ctx::fail);
  }

  /** The audit event of a pass at the second step, for the answer to carry (a factor may write it with its check). */
  public AuditEvent passedEvent(RoutingContext ctx, Member member, SecondFactor factor) {
    return answers.passed(ctx, member, "otp.verify." + factor.code());
  }

  /**
   * A code checked at the second step, whose answer carried {@code passed} ({@link #passedEvent}):
   * audited, then on to the portal, back to the choice, or the form again.
   */
  public void answer(RoutingContext ctx, Member member, SecondFactor factor, AuditEvent passed, CheckResult result,
                     Runnable again) {
    answers.audit(ctx, member, factor, passed, result);
    switch (result) {
      case OK -> Journey.completeSignIn(ctx, pages, factor.method());
      case NOT_SET_UP -> pages.redirect(ctx, Journey.VERIFY);
      default -> again.run();
    }
  }
}
