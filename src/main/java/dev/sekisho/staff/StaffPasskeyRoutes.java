package dev.sekisho.staff;

import dev.sekisho.factor.passkey.PasskeyRefused;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

import java.util.Locale;

/**
 * Staff passkeys in the console: sign-in (ID + password on the sign-in form, then the passkey on a
 * page of its own, the members' passkey.js driving the ceremony), and each staff member's own
 * list to add and remove them. The password step leaves only a pending mark in the session; the
 * signed-in mark ({@link StaffGuard#SESSION_KEY}) comes after the passkey, under a new session id.
 */
final class StaffPasskeyRoutes {
  static final String PASSKEYS = StaffPaths.CONSOLE + "/passkeys";
  static final String LOGIN = StaffPaths.LOGIN + "/passkey";
  static final String LOGIN_OPTIONS = LOGIN + "/options";
  static final String LOGIN_VERIFY = LOGIN + "/verify";
  static final String REGISTER_OPTIONS = PASSKEYS + "/options";
  static final String REGISTER = PASSKEYS + "/register";
  private static final String PENDING = "staff.passkeyPending";
  private static final String CHALLENGE = "staff.passkeyChallenge";

  private final StaffPasskeys passkeys;
  private final StaffSignIn signIn;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;

  StaffPasskeyRoutes(StaffPasskeys passkeys, StaffSignIn signIn, StaffGuard guard, StaffAudit audit, Pages pages) {
    this.passkeys = passkeys;
    this.signIn = signIn;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
  }

  void mount(Router router) {
    router.post(LOGIN).handler(this::passwordStep);
    router.post(LOGIN_OPTIONS).handler(this::loginOptions);
    router.post(LOGIN_VERIFY).handler(this::verify);
    router.get(PASSKEYS).handler(guard.require(Permission.READ)).handler(this::listPage);
    router.post(REGISTER_OPTIONS).handler(guard.require(Permission.READ)).handler(this::registrationOptions);
    router.post(REGISTER).handler(guard.require(Permission.READ)).handler(this::register);
    router.post(PASSKEYS + "/:id/remove").handler(guard.require(Permission.READ)).handler(this::remove);
  }

  /** The sign-in form's "continue with a passkey" button: the password first, then the passkey page. */
  private void passwordStep(RoutingContext ctx) {
    String id = FormInput.field(ctx, "staff_id", 64);
    String password = FormInput.field(ctx, "password", StaffRoutes.MAX_PASSWORD);
    if (id == null || id.isBlank() || password == null || password.isEmpty()) {
      pages.render(ctx, 400, "staff-login", new JsonObject().put("error", "staff.login.missing").put("staffId", id));
      return;
    }
    String staffId = id.strip();
    signIn.passwordBeforePasskey(staffId, password, audit.ip(ctx), passkeys.count(staffId)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      StaffSignIn.Outcome outcome = result.result();
      if (outcome == StaffSignIn.Outcome.OK) {
        ctx.session().put(PENDING, staffId);
        pages.render(ctx, "staff-passkey", ceremony(ctx, "login", LOGIN_OPTIONS, LOGIN_VERIFY).put("staffId", staffId));
        return;
      }
      audit.record(audit.event(ctx, staffId, null, null, "staff.login", outcome.name().toLowerCase(Locale.ROOT),
              new JsonObject().put("method", "passkey"))).onComplete(v -> pages.render(ctx,
          outcome == StaffSignIn.Outcome.LOCKED ? 429 : 401, "staff-login", new JsonObject()
              .put("error", outcome == StaffSignIn.Outcome.LOCKED ? "staff.login.locked" : "staff.login.invalid")
              .put("staffId", staffId)));
    });
  }

  private void loginOptions(RoutingContext ctx) {
    String staffId = ctx.session().get(PENDING);
    if (staffId == null) {
      Pages.json(ctx, 403, "no_password_step", "Sign in with your staff ID and password first.");
      return;
    }
    answerOptions(ctx, passkeys.loginOptions(ctx.vertx(), staffId));
  }

  private void verify(RoutingContext ctx) {
    String staffId = ctx.session().get(PENDING);
    JsonObject assertion = body(ctx);
    if (staffId == null || assertion == null) {
      Pages.json(ctx, staffId == null ? 403 : 400, "invalid", "Sign in with your staff ID and password first.");
      return;
    }
    String challenge = ctx.session().remove(CHALLENGE);
    String ip = audit.ip(ctx);
    signIn.locked(staffId, ip).compose(locked -> locked ? Future.succeededFuture(StaffSignIn.Outcome.LOCKED)
            : passkeys.verifyLogin(ctx.vertx(), staffId, challenge, assertion)
                .transform(checked -> checked.failed() && !(checked.cause() instanceof PasskeyRefused)
                    ? Future.failedFuture(checked.cause()) : signIn.passkeyDone(staffId, checked.succeeded(), ip)))
        .onComplete(result -> {
          if (result.failed()) {
            ctx.fail(result.cause());
            return;
          }
          StaffSignIn.Outcome outcome = result.result();
          audit.record(audit.event(ctx, staffId, null, null, "staff.login", outcome.name().toLowerCase(Locale.ROOT),
              new JsonObject().put("method", "passkey"))).onComplete(v -> {
                if (outcome != StaffSignIn.Outcome.OK) {
                  Pages.json(ctx, outcome == StaffSignIn.Outcome.LOCKED ? 429 : 401, "refused",
                      outcome == StaffSignIn.Outcome.LOCKED ? "Too many failed sign-ins; try again later."
                          : "The passkey was not accepted.");
                  return;
                }
                // A new session id at sign-in (no fixation) and a fresh CSRF token for it.
                Session session = ctx.session();
                session.remove(PENDING);
                session.regenerateId();
                Csrf.renewAtSignIn(session);
                session.put(StaffGuard.SESSION_KEY, staffId);
                // The browser goes on at once: the signed-in session must be stored before it does.
                pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, new JsonObject().put("location", StaffPaths.MEMBERS)));
              });
        });
  }

  private void listPage(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    passkeys.list(staff.id()).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonObject model = StaffGuard.model(ctx).mergeIn(ceremony(ctx, "register", REGISTER_OPTIONS, REGISTER))
          .put("passkeys", found.result());
      String done = ctx.request().getParam("done");
      if ("added".equals(done) || "removed".equals(done)) {
        model.put("notice", "staff.passkeys." + done);
      }
      pages.render(ctx, "console-passkeys", model);
    });
  }

  private void registrationOptions(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    answerOptions(ctx, passkeys.registrationOptions(ctx.vertx(), staff.id(), staff.name()));
  }

  private void register(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    JsonObject credential = body(ctx);
    if (credential == null) {
      Pages.json(ctx, 400, "invalid", "The body must be the browser's new credential as JSON.");
      return;
    }
    String challenge = ctx.session().remove(CHALLENGE);
    passkeys.register(ctx.vertx(), staff.id(), challenge, credential, ctx.request().getHeader(HttpHeaders.USER_AGENT))
        .onComplete(done -> {
          if (done.failed() && !(done.cause() instanceof PasskeyRefused)) {
            ctx.fail(done.cause());
            return;
          }
          String outcome = done.succeeded() ? "ok" : ((PasskeyRefused) done.cause()).code();
          audit.record(audit.event(ctx, staff.id(), null, null, "staff.passkey.register", outcome, null)).onComplete(v -> {
            if (done.succeeded()) {
              Pages.json(ctx, 200, new JsonObject().put("defaultName", done.result()));
            } else {
              Pages.json(ctx, 400, outcome, "The passkey was not registered (" + outcome + ").");
            }
          });
        });
  }

  private void remove(RoutingContext ctx) {
    StaffMember staff = StaffGuard.staff(ctx);
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("\\d{1,18}")) {
      pages.error(ctx, 404, "errors.notFound");
      return;
    }
    passkeys.remove(staff.id(), Long.parseLong(id))
        .compose(removed -> audit.record(audit.event(ctx, staff.id(), null, null, "staff.passkey.remove",
            removed ? "ok" : "not_found", new JsonObject().put("passkey", Long.parseLong(id)))).map(removed))
        .onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else if (!done.result()) {
            pages.error(ctx, 404, "errors.notFound");
          } else {
            pages.redirect(ctx, PASSKEYS + "?done=removed");
          }
        });
  }

  /** Sends the ceremony's options and keeps its challenge in the session for the answer. */
  private void answerOptions(RoutingContext ctx, Future<JsonObject> options) {
    options.onComplete(made -> {
      if (made.failed()) {
        ctx.fail(made.cause());
        return;
      }
      ctx.session().put(CHALLENGE, made.result().getString("challenge"));
      // The answer comes back within seconds: the challenge must be in the stored session by then.
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, made.result()));
    });
  }

  /** What the ceremony partial (partials/passkey-ceremony) and passkey.js read. */
  private static JsonObject ceremony(RoutingContext ctx, String mode, String optionsUrl, String submitUrl) {
    return new JsonObject().put("mode", mode).put("optionsUrl", optionsUrl).put("submitUrl", submitUrl)
        .put("csrfToken", Csrf.token(ctx));
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
