package dev.sekisho.factor.totp;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.FactorPaths;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.QrCodes;
import dev.sekisho.factor.recovery.RecoveryCodesPage;
import dev.sekisho.member.Member;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Base64;

/**
 * TOTP set-up (J2.4-J2.6): the QR code and key of a pending secret, the same QR code as a file,
 * and the confirming code that makes it the member's. Also the set-up after a change on the
 * account page.
 */
public final class TotpSetupRoutes {
  private static final Stage SETTING_UP = Stage.settingUp(Method.TOTP, FactorPaths.ACCOUNT);

  private final TotpService totp;
  private final OtpSettings settings;
  private final SecondFactors factors;
  private final StageGuard guard;
  private final CodeAnswers answers;
  private final RecoveryCodesPage codesPage;
  private final Pages pages;

  public TotpSetupRoutes(TotpService totp, OtpSettings settings, SecondFactors factors, StageGuard guard, CodeAnswers answers,
                         RecoveryCodesPage codesPage, Pages pages) {
    this.totp = totp;
    this.settings = settings;
    this.factors = factors;
    this.guard = guard;
    this.answers = answers;
    this.codesPage = codesPage;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(FactorPaths.SETUP_TOTP).handler(guard.requireStage(SETTING_UP)).handler(this::show);
    router.get(FactorPaths.SETUP_TOTP + "/qr.png").handler(guard.requireStage(SETTING_UP)).handler(this::qrPng);
    router.post(FactorPaths.SETUP_TOTP).handler(guard.requireStage(SETTING_UP)).handler(this::confirm);
  }

  private void show(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    totp.pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri()).map(png -> {
      render(ctx, 200, pending, png, null);
      return null;
    })).onFailure(ctx::fail);
  }

  private void render(RoutingContext ctx, int status, TotpService.Pending pending, byte[] png, String error) {
    JsonObject model = new JsonObject()
        .put("qr", "data:image/png;base64," + Base64.getEncoder().encodeToString(png))
        .put("key", Base32Text.grouped(pending.base32()))
        .put("keyPlain", pending.base32())
        // J2.4: on a phone the QR code cannot be scanned from its own screen; the app opens this link.
        .put("otpauth", pending.uri())
        .put("issuer", settings.issuer())
        .put("userId", MemberSession.loginId(ctx.session()))
        .put("period", settings.totpPeriod());
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-setup-totp", model);
  }

  private static Future<byte[]> qr(RoutingContext ctx, String uri) {
    // Small, but CPU work: off the event loop.
    return ctx.vertx().executeBlocking(() -> QrCodes.png(uri, 240), false);
  }

  /** J2.6: the same QR code as a PNG file, for browser extensions that read an image file. */
  private void qrPng(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    totp.pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri())).map(png -> {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/png")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"totp-qr.png\"")
          .end(Buffer.buffer(png));
      return null;
    }).onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    String code = FormInput.field(ctx, "code", 64);
    String replacing = SignInProgress.of(ctx.session()).replacing();
    factors.of(Method.TOTP).activate(member.id(), code, factors.byCode(replacing).orElse(null)).compose(activation -> {
      answers.audit(ctx, member, "otp.totp.setup", activation.result());
      if (activation.result() == CheckResult.OK) {
        codesPage.setUp(ctx, Method.TOTP, activation.recoveryCodes());
        return Future.succeededFuture();
      }
      return totp.pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri()).map(png -> {
        render(ctx, CodeAnswers.status(activation.result()), pending, png, CodeAnswers.message(activation.result()));
        return null;
      }));
    }).onFailure(ctx::fail);
  }
}
