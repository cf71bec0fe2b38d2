package dev.sekisho.factor.assembly;

import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.SecondStepRoutes;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.account.AccountMethodRoutes;
import dev.sekisho.factor.account.MethodRemoval;
import dev.sekisho.factor.email.EmailCodeRoutes;
import dev.sekisho.factor.recovery.RecoveryCodesPage;
import dev.sekisho.factor.recovery.RecoverySignInRoutes;
import dev.sekisho.factor.totp.TotpSetupRoutes;
import dev.sekisho.login.PasswordRecheck;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The pages of the code factors, mounted together: TOTP set-up (factor/totp), email set-up and
 * sign-in (factor/email), the second step's choice and code form (SecondStepRoutes), recovery codes
 * (factor/recovery) and the member's own changes (factor/account).
 */
public final class OtpRoutes {
  private final RecoveryCodesPage codesPage;
  private final SecondStepRoutes secondStep;
  private final TotpSetupRoutes totpSetUp;
  private final EmailCodeRoutes email;
  private final RecoverySignInRoutes recoverySignIn;
  private final AccountMethodRoutes account;

  /**
   * @param removal   the member's removal of one of their methods (account page)
   * @param passwords the current password as the fresh check of a member with passkeys only
   */
  public OtpRoutes(Otp otp, SecondFactors factors, MemberRepository members, AuditLog audit, ClientAddress clientAddress,
                   MethodRemoval removal, PasswordRecheck passwords, Pages pages, SecurityNotices notices) {
    StageGuard guard = new StageGuard(members, pages);
    CodeAnswers answers = new CodeAnswers(audit, clientAddress, pages, notices, otp.limit());
    this.codesPage = new RecoveryCodesPage(otp.recovery(), otp.settings().issuer(), pages, answers);
    this.secondStep = new SecondStepRoutes(factors, otp.methods(), otp.limit(), guard, answers, pages);
    this.totpSetUp = new TotpSetupRoutes(otp.totp(), otp.settings(), factors, guard, answers, codesPage, pages);
    this.email = new EmailCodeRoutes(factors, otp.email(), otp.settings(), otp.limit(), guard, answers, codesPage, secondStep, pages);
    this.recoverySignIn = new RecoverySignInRoutes(factors, otp.limit(), guard, answers, pages);
    this.account = new AccountMethodRoutes(factors, otp.methods(), otp.recovery(), otp.limit(), guard, answers,
        codesPage, removal, passwords, pages);
  }

  public void mount(Router router) {
    totpSetUp.mount(router);
    email.mount(router);
    codesPage.mount(router);
    secondStep.mount(router);
    recoverySignIn.mount(router);
    account.mount(router);
  }

  /**
   * Ends a first set-up done by another factor package (a passkey): recovery codes are issued and
   * shown once if the member has none, then the sign-in completes with that method.
   */
  public void finishSetUp(RoutingContext ctx, long memberId, Method method) {
    codesPage.finish(ctx, memberId, method);
  }
}
