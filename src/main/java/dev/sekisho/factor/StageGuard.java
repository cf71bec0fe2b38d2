package dev.sekisho.factor;

import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

/**
 * The one access gate of the second-factor routes: a handler mounted ahead of a route's own that
 * lets through only a session at the route's {@link Stage}, with its member loaded (read it with
 * {@link #member}). Pages send anyone else where they belong; JSON endpoints (the page scripts of
 * passkeys) answer 401 signed out, 409 not at this level, 403 not at this point of the journey.
 */
public final class StageGuard {
  private static final String MEMBER = "sekisho.stageMember";

  private final MemberRepository members;
  private final Pages pages;

  public StageGuard(MemberRepository members, Pages pages) {
    this.members = members;
    this.pages = pages;
  }

  /** For a page (GET, or a form's POST). */
  public Handler<RoutingContext> requireStage(Stage stage) {
    return ctx -> check(ctx, stage, false);
  }

  /** For a JSON endpoint. */
  public Handler<RoutingContext> requireStageJson(Stage stage) {
    return ctx -> check(ctx, stage, true);
  }

  /** The member the guard admitted on this request. */
  public static Member member(RoutingContext ctx) {
    return ctx.get(MEMBER);
  }

  private void check(RoutingContext ctx, Stage stage, boolean json) {
    Session session = ctx.session();
    MemberSession.Level level = MemberSession.level(session);
    Long id = MemberSession.memberId(session);
    if (id == null || level == MemberSession.Level.NONE) {
      refuse(ctx, json, 401, "passkey.errors.signedOut", Paths.LOGIN);
      return;
    }
    if (!stage.levels().contains(level)) {
      refuse(ctx, json, 409, "passkey.errors.notNow", stage.wrongLevel().apply(level));
      return;
    }
    members.findById(id).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        // The member was removed meanwhile: the session is worth nothing.
        session.destroy();
        refuse(ctx, json, 401, "passkey.errors.signedOut", Paths.LOGIN);
      } else if (!stage.admits().test(session, found.result())) {
        refuse(ctx, json, 403, "passkey.errors.notNow", stage.refused().apply(new Stage.Refusal(session, found.result())));
      } else {
        ctx.put(MEMBER, found.result());
        ctx.next();
      }
    });
  }

  private void refuse(RoutingContext ctx, boolean json, int status, String key, String page) {
    if (!json) {
      pages.redirect(ctx, page);
      return;
    }
    String lang = pages.i18n().language(ctx);
    String code = key.substring(key.lastIndexOf('.') + 1);
    pages.afterSessionStored(ctx, () -> Pages.json(ctx, status, code, pages.i18n().text(lang, key)));
  }
}
