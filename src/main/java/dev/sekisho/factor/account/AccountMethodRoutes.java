package dev.sekisho.factor.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import dev.sekisho.notify.Notice;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.passkey.PasskeyRoutes;
import dev.sekisho.factor.recovery.RecoveryCodes;
import dev.sekisho.factor.recovery.RecoveryCodesPage;
import dev.sekisho.login.PasswordRecheck;
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
 * fresh check (the member's code method, the recovery code just used, or, for a member with
 * passkeys only, the current password): a new TOTP key, a switch to TOTP or email, a method added
 * beside the others, a method removed while another remains, new recovery codes.
 */
public final class AccountMethodRoutes {
  /** The changes the account page offers. */
  private static final Set<String> INTENTS = Set.of("recreate-totp", "switch-totp", "switch-email", "add-totp", "add-email",
      "add-passkey", "manage-passkeys", "remove-totp", "remove-email", "remove-passkey", "remove-hotp", "recovery");
  private static final String REMOVE = "remove-";

  private final SecondFactors factors;
  private final MethodDirectory methods;
  private final RecoveryCodes recovery;
  private final SecondStepLimit limit;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final RecoveryCodesPage codesPage;
  private final MethodRemoval removal;
  private final PasswordRecheck passwords;
  private final Pages pages;

  public AccountMethodRoutes(SecondFactors factors, MethodDirectory methods, RecoveryCodes recovery,
                             SecondStepLimit limit, StageGuard guard, CodeAnswers answers, RecoveryCodesPage codesPage,
                             MethodRemoval removal, PasswordRecheck passwords, Pages pages) {
    this.removal = removal;
    this.passwords = passwords;
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
      boolean codeProof = proof(list) != null;
      JsonObject model = new JsonObject().put("methods", codes).put("remaining", remaining)
          .put("hasTotp", list.contains(Method.TOTP))
          .put("canSwitchTotp", codeProof && !list.contains(Method.TOTP))
          .put("canSwitchEmail", codeProof && !list.contains(Method.EMAIL))
          .put("manage", MethodChoices.model(list));
      String notice = MethodChoices.notice(ctx.request().getParam("removed"), ctx.request().getParam("done"));
      if (ctx.request().getParam("recovered") != null) {
        model.put("error", "otp.recovery.setUpAgain");
      } else if (ctx.request().getParam("refused") != null) {
        model.put("error", "otp.account.lastMethod");
      } else if (notice != null) {
        model.put("notice", notice);
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
        // Passkeys only: the current password is the fresh check.
        renderPassword(ctx, 200, intent, null);
        return Future.succeededFuture();
      }
      return proof.challenge(member, false, answers.clientAddress(ctx), pages.i18n().language(ctx)).map(sent -> {
        answers.renderCode(ctx, 200, proof.method(), FactorPaths.PROVE, null, intent);
        return null;
      });
    }).onFailure(ctx::fail);
  }

  private void renderPassword(RoutingContext ctx, int status, String intent, String error) {
    JsonObject model = new JsonObject().put("action", FactorPaths.PROVE).put("intent", intent);
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-prove-password", model);
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
        return provePassword(ctx, member, intent);
      }
      AuditEvent passed = answers.passed(ctx, member, "otp.prove." + proof.code());
      return limit.fromAddress(answers.clientAddress(ctx), () -> proof.verify(SecondFactor.Answer.code(member.id(), code).passing(passed)))
          .compose(result -> {
            answers.audit(ctx, member, proof, passed, result);
            if (result != CheckResult.OK) {
              answers.renderCode(ctx, CodeAnswers.status(result), proof.method(), FactorPaths.PROVE, CodeAnswers.message(result), intent);
              return Future.succeededFuture();
            }
            return perform(ctx, member, intent, proof);
          });
    }).onFailure(ctx::fail);
  }

  private Future<Void> provePassword(RoutingContext ctx, Member member, String intent) {
    String password = FormInput.field(ctx, "password", 1025);
    return passwords.check(member, password, answers.client(ctx)).compose(outcome -> switch (outcome) {
      case OK -> perform(ctx, member, intent, null);
      case LOCKED -> {
        renderPassword(ctx, 429, intent, "otp.account.passwordLocked");
        yield Future.succeededFuture();
      }
      case WRONG -> {
        renderPassword(ctx, 401, intent, "otp.account.passwordWrong");
        yield Future.succeededFuture();
      }
    });
  }

  private Future<Void> perform(RoutingContext ctx, Member member, String intent, SecondFactor proven) {
    SignInProgress progress = SignInProgress.of(ctx.session());
    if ("recovery".equals(intent)) {
      return recovery.regenerate(member.id()).map(codes -> {
        codesPage.regenerated(ctx, codes);
        return null;
      });
    }
    if (intent.startsWith(REMOVE)) {
      Method method = Method.fromCode(intent.substring(REMOVE.length())).orElseThrow();
      return removal.remove(member.id(), member.loginId(), method, answers.client(ctx)).map(outcome -> {
        if (outcome == MethodRemoval.Outcome.REMOVED) {
          answers.tell(ctx, member.id(), Notice.METHOD_REMOVED, method.code());
        }
        pages.redirect(ctx, FactorPaths.ACCOUNT + switch (outcome) {
          case REMOVED -> "?removed=" + method.code();
          case LAST_METHOD -> "?refused=last";
          case NOT_SET_UP -> "";
        });
        return null;
      });
    }
    if ("add-passkey".equals(intent) || "manage-passkeys".equals(intent)) {
      // The WebAuthn ceremony and the removal of one passkey of several are on the passkeys page;
      // the check opens the window for one change there.
      progress.startChange(Method.PASSKEY.code(), null);
      pages.redirect(ctx, PasskeyRoutes.MANAGE);
      return Future.succeededFuture();
    }
    Method target = intent.endsWith("email") ? Method.EMAIL : Method.TOTP;
    // A new key for the same method, or a method added beside the others, replaces nothing; a
    // switch replaces the method just proven.
    boolean replaces = intent.startsWith("switch-") && proven != null && proven.method() != target;
    progress.startChange(target.code(), replaces ? proven.code() : null);
    return factors.of(target).beginSetUp(member).map(v -> {
      pages.redirect(ctx, FactorPaths.setUp(target.code()));
      return null;
    });
  }
}
