package dev.sekisho.staff;

import dev.sekisho.member.PasswordHasher;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.QrCodes;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

import java.time.Clock;
import java.util.Base64;

/**
 * Staff sign-in, sign-out and the one-time set-up (password and TOTP key) behind the link that
 * {@code staff add} prints or an administrator creates in the console.
 */
final class StaffRoutes {
  static final int MIN_PASSWORD = 12;
  static final int MAX_PASSWORD = 128;
  private static final String SETUP_TOKEN = "staff.setupToken";
  private static final String SETUP_KEY = "staff.setupKey";

  private final StaffStore store;
  private final StaffSignIn signIn;
  private final StaffTotp totp;
  private final PasswordHasher hasher;
  private final StaffAudit audit;
  private final Pages pages;
  private final Clock clock;

  StaffRoutes(StaffStore store, StaffSignIn signIn, StaffTotp totp, PasswordHasher hasher, StaffAudit audit, Pages pages,
              Clock clock) {
    this.store = store;
    this.signIn = signIn;
    this.totp = totp;
    this.hasher = hasher;
    this.audit = audit;
    this.pages = pages;
    this.clock = clock;
  }

  void mount(Router router) {
    router.get(StaffPaths.CONSOLE).handler(ctx -> pages.redirect(ctx, StaffPaths.MEMBERS));
    router.get(StaffPaths.CONSOLE + "/").handler(ctx -> pages.redirect(ctx, StaffPaths.MEMBERS));
    router.get(StaffPaths.LOGIN).handler(this::loginPage);
    router.post(StaffPaths.LOGIN).handler(this::login);
    router.post(StaffPaths.LOGOUT).handler(this::logout);
    router.get(StaffPaths.SETUP).handler(this::setupPage);
    router.post(StaffPaths.SETUP).handler(this::setup);
  }

  private void loginPage(RoutingContext ctx) {
    JsonObject model = new JsonObject();
    if ("setup".equals(ctx.request().getParam("done"))) {
      model.put("notice", "staff.setup.done");
    } else if ("logout".equals(ctx.request().getParam("done"))) {
      model.put("notice", "staff.login.loggedOut");
    }
    pages.render(ctx, "staff-login", model);
  }

  private void login(RoutingContext ctx) {
    String id = FormInput.field(ctx, "staff_id", 64);
    String password = FormInput.field(ctx, "password", MAX_PASSWORD);
    String code = FormInput.field(ctx, "code", 12);
    if (id == null || id.isBlank() || id.length() > 64 || password == null || password.isEmpty()
        || password.length() > MAX_PASSWORD || code == null) {
      pages.render(ctx, 400, "staff-login", new JsonObject().put("error", "staff.login.missing").put("staffId", id));
      return;
    }
    String staffId = id.strip();
    String ip = audit.ip(ctx);
    signIn.signIn(staffId, password, code.replace(" ", ""), ip).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      StaffSignIn.Outcome outcome = result.result();
      audit.record(audit.event(ctx, staffId, null, null, "staff.login", outcome.name().toLowerCase(java.util.Locale.ROOT), null))
          .onComplete(v -> {
            if (outcome != StaffSignIn.Outcome.OK) {
              pages.render(ctx, outcome == StaffSignIn.Outcome.LOCKED ? 429 : 401, "staff-login", new JsonObject()
                  .put("error", outcome == StaffSignIn.Outcome.LOCKED ? "staff.login.locked" : "staff.login.invalid")
                  .put("staffId", staffId));
              return;
            }
            // A new session id at sign-in (no fixation) and a fresh CSRF token for it.
            Session session = ctx.session();
            session.regenerateId();
            Csrf.renewAtSignIn(session);
            session.put(StaffGuard.SESSION_KEY, staffId);
            pages.redirect(ctx, StaffPaths.MEMBERS);
          });
    });
  }

  private void logout(RoutingContext ctx) {
    String id = ctx.session().get(StaffGuard.SESSION_KEY);
    ctx.session().destroy();
    if (id == null) {
      pages.redirect(ctx, StaffPaths.LOGIN);
      return;
    }
    audit.record(audit.event(ctx, id, null, null, "staff.logout", "ok", null))
        .onComplete(v -> pages.redirect(ctx, StaffPaths.LOGIN + "?done=logout"));
  }

  private void setupPage(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    if (token == null || token.length() > 100) {
      pages.error(ctx, 404, "staff.errors.setupLink");
      return;
    }
    store.setupFor(token).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null) {
        pages.error(ctx, 404, "staff.errors.setupLink");
      } else {
        byte[] key = StaffTotp.newKey();
        ctx.session().put(SETUP_TOKEN, token);
        ctx.session().put(SETUP_KEY, Base32Text.encode(key));
        pages.render(ctx, "staff-setup", setupModel(found.result(), key));
      }
    });
  }

  private static JsonObject setupModel(String staffId, byte[] key) {
    String qr = Base64.getEncoder().encodeToString(QrCodes.png(StaffTotp.uri(staffId, key), 220));
    return new JsonObject().put("staffId", staffId).put("qr", "data:image/png;base64," + qr)
        .put("key", Base32Text.grouped(Base32Text.encode(key))).put("minPassword", MIN_PASSWORD);
  }

  private void setup(RoutingContext ctx) {
    String token = ctx.session().get(SETUP_TOKEN);
    String keyText = ctx.session().get(SETUP_KEY);
    if (token == null || keyText == null) {
      pages.error(ctx, 404, "staff.errors.setupLink");
      return;
    }
    byte[] key = Base32Text.decode(keyText);
    String password = FormInput.field(ctx, "password", MAX_PASSWORD);
    String again = FormInput.field(ctx, "password_again", MAX_PASSWORD);
    String code = FormInput.field(ctx, "code", 12);
    store.setupFor(token).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      String staffId = found.result();
      if (staffId == null) {
        pages.error(ctx, 404, "staff.errors.setupLink");
        return;
      }
      String problem = problem(password, again, staffId);
      long step = StaffTotp.matchingStep(key, code == null ? null : code.replace(" ", ""), clock.instant().getEpochSecond());
      if (problem == null && step < 0) {
        problem = "staff.setup.badCode";
      }
      if (problem != null) {
        pages.render(ctx, 400, "staff-setup", setupModel(staffId, key).put("error", problem));
        return;
      }
      hasher.hash(password)
          .compose(hash -> store.completeSetup(token, hash, totp.keyId(), totp.seal(staffId, key), step))
          .compose(done -> audit.record(audit.event(ctx, staffId, null, null, "staff.setup", done ? "ok" : "expired", null))
              .map(done))
          .onComplete(done -> {
            if (done.failed()) {
              ctx.fail(done.cause());
              return;
            }
            ctx.session().remove(SETUP_TOKEN);
            ctx.session().remove(SETUP_KEY);
            if (done.result()) {
              pages.redirect(ctx, StaffPaths.LOGIN + "?done=setup");
            } else {
              pages.error(ctx, 404, "staff.errors.setupLink");
            }
          });
    });
  }

  /** The message key of what is wrong with a new staff password, or null. */
  static String problem(String password, String again, String staffId) {
    if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD || password.isBlank()) {
      return "staff.setup.passwordLength";
    }
    if (!password.equals(again)) {
      return "staff.setup.passwordMismatch";
    }
    if (password.toLowerCase(java.util.Locale.ROOT).contains(staffId.toLowerCase(java.util.Locale.ROOT))) {
      return "staff.setup.passwordHasId";
    }
    return null;
  }
}
