package dev.sekisho.factor.passkey;

import dev.sekisho.member.Method;
import dev.sekisho.factor.SetupCompletion;
import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberState;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.MemberSession.Level;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.EnumSet;

/**
 * Passkey set-up (J2.1-J2.3): the page, the registration ceremony (options, then the credential
 * the OS dialog made) and the name step (次へ). Open to a member in set-up after ID + password, and
 * to a fully signed-in member adding a passkey on the management page.
 */
final class PasskeyRegistrationRoutes {
  private static final String REGISTER_CHALLENGE = "passkey.registerChallenge";
  static final String NAME = Paths.PREFIX + "/passkey/name";

  /** The set-up page: in set-up after ID + password, or naming the passkey just made; signed-in members manage theirs. */
  private static final Stage SETTING_UP = new Stage("setting up a passkey", EnumSet.of(Level.PASSWORD),
      (session, member) -> SignInProgress.of(session).passkeyToName() != null
          || member.onboardingState() == MemberState.ONBOARDED,
      level -> PasskeyRoutes.MANAGE, r -> Journey.afterPassword(r.member()));
  /**
   * The ceremony: one in set-up after ID + password, or a fully signed-in member who passed the
   * account page's fresh check for adding a passkey within its window (a stolen session alone
   * cannot add the thief's passkey).
   */
  private static final Stage REGISTERING = new Stage("registering a passkey", EnumSet.of(Level.PASSWORD, Level.COMPLETE),
      (session, member) -> MemberSession.level(session) == Level.COMPLETE
          ? SignInProgress.of(session).mayChangeTo(Method.PASSKEY.code())
          : member.onboardingState() == MemberState.ONBOARDED,
      level -> Paths.LOGIN, r -> Journey.afterPassword(r.member()));

  private final PasskeyService passkeys;
  private final StageGuard guard;
  private final PasskeyPages shared;
  private final Pages pages;
  private final SetupCompletion setupCompletion;
  private final SecurityNotices notices;

  PasskeyRegistrationRoutes(PasskeyService passkeys, StageGuard guard, PasskeyPages shared, SetupCompletion setupCompletion,
                            SecurityNotices notices) {
    this.notices = notices;
    this.passkeys = passkeys;
    this.guard = guard;
    this.shared = shared;
    this.pages = shared.pages();
    this.setupCompletion = setupCompletion;
  }

  void mount(Router router) {
    router.get(PasskeyRoutes.SETUP).handler(guard.requireStage(SETTING_UP)).handler(this::setupPage);
    router.post(PasskeyPages.REGISTER_OPTIONS).handler(guard.requireStageJson(REGISTERING)).handler(this::options);
    router.post(PasskeyPages.REGISTER).handler(guard.requireStageJson(REGISTERING)).handler(this::register);
    router.post(NAME).handler(this::name);
  }

  private void setupPage(RoutingContext ctx) {
    SignInProgress progress = SignInProgress.of(ctx.session());
    pages.render(ctx, "passkey-setup", shared.ceremonyModel(ctx, "register")
        .put("naming", progress.passkeyToName() != null).put("defaultName", progress.passkeyDefaultName()));
  }

  private void options(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    shared.options(ctx, passkeys.registrationOptions(member.id(), member.loginId(), member.name()), REGISTER_CHALLENGE, false);
  }

  private void register(RoutingContext ctx) {
    Member member = StageGuard.member(ctx);
    JsonObject credential = PasskeyPages.jsonBody(ctx);
    if (credential == null) {
      shared.jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    String challenge = ctx.session().remove(REGISTER_CHALLENGE);
    boolean added = MemberSession.level(ctx.session()) == Level.COMPLETE;
    passkeys.register(member.id(), member.loginId(), challenge, credential, shared.client(ctx))
        // A passkey beside the member's methods is told by mail (the first one, at set-up, is not a change).
        .compose(registered -> !added ? Future.succeededFuture(registered) : notices.send(member.id(), Notice.METHOD_ADDED,
            NoticeContext.from(shared.client(ctx)).withMethod(Method.PASSKEY.code())).map(registered))
        .onComplete(result -> {
          if (result.failed()) {
            shared.refused(ctx, result.cause());
            return;
          }
          SignInProgress.of(ctx.session()).passkeyRegistered(result.result().id(), result.result().defaultName());
          pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, new JsonObject()
              .put("defaultName", result.result().defaultName())));
        });
  }

  /** The name step after the OS dialog (次へ): names the passkey just made, then on to the portal. */
  private void name(RoutingContext ctx) {
    Long memberId = MemberSession.memberId(ctx.session());
    SignInProgress progress = ctx.session() == null ? null : SignInProgress.of(ctx.session());
    Long passkeyId = progress == null ? null : progress.passkeyToName();
    if (memberId == null || passkeyId == null) {
      pages.redirect(ctx, memberId == null ? Paths.LOGIN : PasskeyRoutes.MANAGE);
      return;
    }
    if (FormInput.hasMalformedField(ctx)) {
      pages.error(ctx, 400, "errors.malformed");
      return;
    }
    String typed = FormInput.field(ctx, "name", 400);
    String name = DeviceName.clean(typed);
    if (name == null) {
      name = progress.passkeyDefaultName();
    }
    passkeys.rename(memberId, passkeyId, name).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      progress.passkeyNamed();
      if (MemberSession.level(ctx.session()) == Level.PASSWORD) {
        setupCompletion.finish(ctx, memberId, Method.PASSKEY);
      } else {
        // One passkey per fresh check.
        progress.endChange();
        pages.redirect(ctx, PasskeyRoutes.MANAGE + "?added=1");
      }
    });
  }
}
