package dev.sekisho.factor.account;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.recovery.RecoveryCodes;
import dev.sekisho.factor.recovery.RecoveryCodesPage;
import dev.sekisho.member.Member;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * The member's own second factors (signed in): the account page, and its changes, each after a
 * fresh check with the member's code method (or the recovery code just used): a new TOTP key, a
 * switch to TOTP or email, new recovery codes.
 */
public final class AccountMethodRoutes {
  /** The changes the account page offers. */
  private static final Set<String> INTENTS = Set.of("recreate-totp", "switch-totp", "switch-email", "recovery");

  private final SecondFactors factors;
  private final MethodDirectory methods;
  private final RecoveryCodes recovery;
  private final SecondStepLimit limit;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final RecoveryCodesPage codesPage;
  private final Pages pages;

  public AccountMethodRoutes(SecondFactors factors, MethodDirectory methods, RecoveryCodes recovery,
                             SecondStepLimit limit, StageGuard guard, CodeAnswers answers, RecoveryCodesPage codesPage,
                             Pages pages) {
    this.factors = factors;
    this.methods = methods;
    this.recovery = recovery;
    this.limit = limit;
    this.guard = guard;
    this.answers = answers;
    this.codesPage = codesPage;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(FactorPaths.ACCOUNT).handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::account);
    router.get(FactorPaths.PROVE).handler(this::knownIntent).handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::showProve);
    router.post(FactorPaths.PROVE).handler(this::knownIntent).handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::submitProve);
  }

  private void account(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    methods.of(member.id()).compose(list -> recovery.remaining(member.id()).map(remaining -> {
      JsonArray codes = new JsonArray();
      list.forEach(m -> codes.add(m.code()));
      JsonObject model = new JsonObject().put("methods", codes).put("remaining", remaining)
          .put("hasTotp", list.contains(Method.TOTP))
          .put("canSwitchTotp", !list.contains(Method.TOTP))
          .put("canSwitchEmail", !list.contains(Method.EMAIL));
      if (ctx.request().getParam("recovered") != null) {
        model.put("error", "otp.recovery.setUpAgain");
      } else if (ctx.request().getParam("done") != null) {
        model.put("notice", "otp.account.done");
      }
      pages.render(ctx, "otp-account", model);
      return null;
    })).onFailure(ctx::fail);
  }

  /** Only the changes the page offers; anything else goes back to the account page. */
  private void knownIntent(RoutingContext ctx) {
    String intent = intent(ctx);
    if (intent == null || !INTENTS.contains(intent)) {
      pages.redirect(ctx, FactorPaths.ACCOUNT);
    } else {
      ctx.next();
    }
  }

  private static String intent(RoutingContext ctx) {
    return ctx.request().method() == io.vertx.core.http.HttpMethod.GET ? ctx.request().getParam("intent")
        : FormInput.field(ctx, "intent", 32);
  }

  /** The method a fresh check uses on the account page: the last used code method. */
  private SecondFactor proof(List<Method> list) {
    return list.stream().map(factors::of).filter(f -> f != null && f.answersTypedCode()).findFirst().orElse(null);
  }

  private void showProve(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String intent = intent(ctx);
    methods.of(member.id()).compose(list -> {
      SecondFactor proof = proof(list);
      if (SignInProgress.of(ctx.session()).recovered()) {
        answers.renderCode(ctx, 200, proof == null ? Method.TOTP : proof.method(), FactorPaths.PROVE, null, intent);
        return Future.succeededFuture();
      }
      if (proof == null) {
        pages.error(ctx, 409, "otp.account.noCodeMethod");
        return Future.succeededFuture();
      }
      return proof.challenge(member, false, answers.clientAddress(ctx), pages.i18n().language(ctx)).map(sent -> {
        answers.renderCode(ctx, 200, proof.method(), FactorPaths.PROVE, null, intent);
        return null;
      });
    }).onFailure(ctx::fail);
  }

  private void submitProve(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String intent = intent(ctx);
    String code = FormInput.field(ctx, "code", 64);
    methods.of(member.id()).compose(list -> {
      SecondFactor proof = proof(list);
      if (SignInProgress.of(ctx.session()).takeRecovered()) {
        // The recovery code just used is the fresh proof (the member may have lost the method).
        return perform(ctx, member, intent, proof);
      }
      if (proof == null) {
        pages.error(ctx, 409, "otp.account.noCodeMethod");
        return Future.succeededFuture();
      }
      return limit.fromAddress(answers.clientAddress(ctx), () -> proof.verify(SecondFactor.Answer.code(member.id(), code)))
          .compose(result -> {
            answers.audit(ctx, member, "otp.prove." + proof.code(), result);
            if (result != CheckResult.OK) {
              answers.renderCode(ctx, CodeAnswers.status(result), proof.method(), FactorPaths.PROVE, CodeAnswers.message(result), intent);
              return Future.succeededFuture();
            }
            return perform(ctx, member, intent, proof);
          });
    }).onFailure(ctx::fail);
  }

  private Future<Void> perform(RoutingContext ctx, Member member, String intent, SecondFactor proven) {
    SignInProgress progress = SignInProgress.of(ctx.session());
    if ("recovery".equals(intent)) {
      return recovery.regenerate(member.id()).map(codes -> {
        codesPage.regenerated(ctx, codes);
        return null;
      });
    }
    Method target = "switch-email".equals(intent) ? Method.EMAIL : Method.TOTP;
    // A new key for the same method replaces nothing; a switch replaces the method just proven.
    boolean replaces = !"recreate-totp".equals(intent) && proven != null && proven.method() != target;
    progress.startChange(target.code(), replaces ? proven.code() : null);
    return factors.of(target).beginSetUp(member).map(v -> {
      pages.redirect(ctx, FactorPaths.setUp(target.code()));
      return null;
    });
  }
}
