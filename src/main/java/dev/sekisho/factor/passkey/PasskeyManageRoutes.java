package dev.sekisho.factor.passkey;

import dev.sekisho.factor.Stage;
import dev.sekisho.factor.StageGuard;
import dev.sekisho.member.Method;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The member's passkeys page (signed in): the list, adding one, renaming, removing. */
final class PasskeyManageRoutes {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

  private final PasskeyService passkeys;
  private final StageGuard guard;
  private final PasskeyPages shared;
  private final Pages pages;
  private final SecurityNotices notices;

  PasskeyManageRoutes(PasskeyService passkeys, StageGuard guard, PasskeyPages shared, SecurityNotices notices) {
    this.notices = notices;
    this.passkeys = passkeys;
    this.guard = guard;
    this.shared = shared;
    this.pages = shared.pages();
  }

  void mount(Router router) {
    router.get(PasskeyRoutes.MANAGE).handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::managePage);
    router.post(PasskeyRoutes.MANAGE + "/:id/rename").handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::rename);
    router.post(PasskeyRoutes.MANAGE + "/:id/remove").handler(guard.requireStage(Stage.SIGNED_IN)).handler(this::remove);
  }

  private void managePage(RoutingContext ctx) {
    long memberId = StageGuard.member(ctx).id();
    JsonObject model = shared.ceremonyModel(ctx, "register");
    if (ctx.request().getParam("added") != null) {
      model.put("notice", "passkey.manage.added");
    } else if (ctx.request().getParam("renamed") != null) {
      model.put("notice", "passkey.manage.renamed");
    } else if (ctx.request().getParam("removed") != null) {
      model.put("notice", "passkey.manage.removed");
    }
    SignInProgress progress = SignInProgress.of(ctx.session());
    model.put("naming", progress.passkeyToName() != null).put("defaultName", progress.passkeyDefaultName());
    render(ctx, memberId, 200, model);
  }

  private void render(RoutingContext ctx, long memberId, int status, JsonObject model) {
    // Adding and removing both need the account page's fresh check (its window for passkeys).
    model.put("mayAdd", SignInProgress.of(ctx.session()).mayChangeTo(Method.PASSKEY.code()));
    passkeys.list(memberId).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      JsonArray rows = new JsonArray();
      for (Passkey key : result.result()) {
        rows.add(new JsonObject().put("id", key.id()).put("name", key.name()).put("created", format(key.createdAt()))
            .put("lastUsed", format(key.lastUsedAt())).put("synced", key.backupEligible()));
      }
      pages.render(ctx, status, "passkey-manage", model.put("passkeys", rows).put("empty", rows.isEmpty()));
    });
  }

  private void rename(RoutingContext ctx) {
    long memberId = StageGuard.member(ctx).id();
    Long passkeyId = idParam(ctx);
    if (passkeyId == null) {
      return;
    }
    if (FormInput.hasMalformedField(ctx)) {
      pages.error(ctx, 400, "errors.malformed");
      return;
    }
    passkeys.rename(memberId, passkeyId, FormInput.field(ctx, "name", 400)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result()) {
        pages.redirect(ctx, PasskeyRoutes.MANAGE + "?renamed=1");
      } else {
        render(ctx, memberId, 400, shared.ceremonyModel(ctx, "register").put("error", "passkey.errors.badName"));
      }
    });
  }

  private void remove(RoutingContext ctx) {
    long memberId = StageGuard.member(ctx).id();
    Long passkeyId = idParam(ctx);
    if (passkeyId == null) {
      return;
    }
    SignInProgress progress = SignInProgress.of(ctx.session());
    if (!progress.mayChangeTo(Method.PASSKEY.code())) {
      // As on the account page: a signed-in session alone (left open, or stolen) cannot remove a method.
      render(ctx, memberId, 403, shared.ceremonyModel(ctx, "register").put("error", "passkey.errors.recheck"));
      return;
    }
    passkeys.remove(memberId, MemberSession.loginId(ctx.session()), passkeyId, shared.client(ctx))
        .compose(v -> notices.send(memberId, Notice.METHOD_REMOVED,
            NoticeContext.from(shared.client(ctx)).withMethod(Method.PASSKEY.code())))
        .onComplete(result -> {
          if (result.succeeded()) {
            // One change per fresh check, as for adding.
            progress.endChange();
            pages.redirect(ctx, PasskeyRoutes.MANAGE + "?removed=1");
          } else if (result.cause() instanceof PasskeyRefused refused) {
            int status = refused.reason() == PasskeyRefused.Reason.NOT_FOUND ? 404 : 409;
            render(ctx, memberId, status, shared.ceremonyModel(ctx, "register").put("error", "passkey.errors." + refused.code()));
          } else {
            ctx.fail(result.cause());
          }
        });
  }

  private Long idParam(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      pages.error(ctx, 404, "errors.notFound");
      return null;
    }
    return Long.parseLong(raw);
  }

  private static String format(OffsetDateTime at) {
    return at == null ? null : at.atZoneSameInstant(ZONE).format(DATE);
  }
}
