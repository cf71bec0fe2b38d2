package dev.sekisho.factor.recovery;

import dev.sekisho.factor.FactorPaths;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.notify.Notice;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SetupCompletion;
import dev.sekisho.journey.Journey;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The end of a set-up (J2.6, J2.7, J2.3): the member's recovery codes shown once (with the first
 * method, whichever it is), then on to the portal (Journey.completeSignIn) or back to the account
 * page after a change. Also the page of fresh codes asked for on the account page.
 */
public final class RecoveryCodesPage implements SetupCompletion {
  private final RecoveryCodes recovery;
  private final String issuer;
  private final Pages pages;
  private final CodeAnswers answers;

  /** @param answers tells the member by mail of the method added (and of the one it replaced) */
  public RecoveryCodesPage(RecoveryCodes recovery, String issuer, Pages pages, CodeAnswers answers) {
    this.answers = answers;
    this.recovery = recovery;
    this.issuer = issuer;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.post(FactorPaths.SETUP_DONE).handler(this::continueAfterCodes);
  }

  /**
   * A method was set up with a code: the codes once (first method), then on to the portal or back
   * to the account page (a change).
   */
  public void setUp(RoutingContext ctx, Method method, List<String> codes) {
    boolean change = MemberSession.level(ctx.session()) == MemberSession.Level.COMPLETE;
    SignInProgress progress = SignInProgress.of(ctx.session());
    String replaced = progress.replacing();
    progress.endChange();
    long memberId = MemberSession.memberId(ctx.session());
    answers.tell(ctx, memberId, Notice.METHOD_ADDED, method.code());
    if (replaced != null && !replaced.equals(method.code())) {
      answers.tell(ctx, memberId, Notice.METHOD_REMOVED, replaced);
    }
    if (codes.isEmpty()) {
      if (change) {
        pages.redirect(ctx, FactorPaths.ACCOUNT + "?done=" + method.code());
      } else {
        Journey.completeSignIn(ctx, pages, method);
      }
      return;
    }
    // Remember which method was set up: the sign-in completes with it after the codes are shown.
    progress.showingCodes(method.code());
    render(ctx, codes, "otp.recovery.issuedLead");
  }

  /**
   * Ends a first set-up done by a factor without a code form (a passkey): recovery codes are
   * issued and shown once if the member has none, then the sign-in completes with that method.
   */
  @Override
  public void finish(RoutingContext ctx, long memberId, Method method) {
    answers.tell(ctx, memberId, Notice.METHOD_ADDED, method.code());
    recovery.issueIfNone(memberId).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result().isEmpty()) {
        Journey.completeSignIn(ctx, pages, method);
      } else {
        SignInProgress.of(ctx.session()).showingCodes(method.code());
        render(ctx, result.result(), "otp.recovery.issuedLead");
      }
    });
  }

  /** Fresh codes asked for on the account page; their "continue" goes back there. */
  public void regenerated(RoutingContext ctx, List<String> codes) {
    SignInProgress.of(ctx.session()).showingCodes(SignInProgress.BACK_TO_ACCOUNT);
    render(ctx, codes, "otp.recovery.regeneratedLead");
  }

  private void render(RoutingContext ctx, List<String> codes, String lead) {
    String text = "Recovery codes / 回復コード (" + issuer + ")\n\n" + String.join("\n", codes) + "\n";
    pages.render(ctx, "otp-recovery-codes", new JsonObject()
        .put("codes", new JsonArray(codes))
        .put("lead", pages.i18n().text(pages.i18n().language(ctx), lead))
        .put("download", "data:text/plain;charset=utf-8," + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20")));
  }

  private void continueAfterCodes(RoutingContext ctx) {
    boolean complete = MemberSession.level(ctx.session()) == MemberSession.Level.COMPLETE;
    String then = ctx.session() == null ? null : SignInProgress.of(ctx.session()).takeAfterCodes();
    Method method = then == null ? null : Method.fromCode(then).orElse(null);
    if (complete || method == null) {
      pages.redirect(ctx, complete ? FactorPaths.ACCOUNT : Journey.VERIFY);
    } else {
      Journey.completeSignIn(ctx, pages, method);
    }
  }
}
