package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SetupCompletion;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.MemberSession;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The passkey pages: set-up (J2.1-J2.3), sign-in (J3.1) and the member's management page, plus
 * the JSON endpoints webroot/static/passkey.js calls (CSRF header, session-bound challenges).
 */
public final class PasskeyRoutes {
  public static final String SETUP = Journey.SETUP_PREFIX + "passkey";
  public static final String VERIFY = Journey.VERIFY + "/passkey";
  public static final String MANAGE = Paths.PREFIX + "/account/passkeys";
  static final String REGISTER_OPTIONS = Paths.PREFIX + "/passkey/register/options";
  static final String REGISTER = Paths.PREFIX + "/passkey/register";
  static final String NAME = Paths.PREFIX + "/passkey/name";
  static final String LOGIN_OPTIONS = VERIFY + "/options";
  public static final String FIRST = Paths.LOGIN + "/passkey";
  static final String FIRST_OPTIONS = FIRST + "/options";
  private static final String DISCOVER_CHALLENGE = "passkey.discoverChallenge";
  private static final String REGISTER_CHALLENGE = "passkey.registerChallenge";
  private static final String LOGIN_CHALLENGE = "passkey.loginChallenge";
  /** The passkey this session registered and may still name; also marks a finished set-up ceremony. */
  private static final String REGISTERED = "passkey.registered";
  private static final String REGISTERED_NAME = "passkey.registeredName";
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");

  private final PasskeyService passkeys;
  private final MemberRepository members;
  private final ClientAddress clientAddress;
  private final Pages pages;
  private final SetupCompletion setupCompletion;

  public PasskeyRoutes(PasskeyService passkeys, MemberRepository members, ClientAddress clientAddress, Pages pages,
                       SetupCompletion setupCompletion) {
    this.setupCompletion = setupCompletion;
    this.passkeys = passkeys;
    this.members = members;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(SETUP).handler(this::setupPage);
    router.post(REGISTER_OPTIONS).handler(ctx -> forRegistration(ctx, this::registerOptions));
    router.post(REGISTER).handler(ctx -> forRegistration(ctx, this::register));
    router.post(NAME).handler(this::name);
    router.get(VERIFY).handler(this::verifyPage);
    router.post(LOGIN_OPTIONS).handler(ctx -> forSignIn(ctx, this::loginOptions));
    router.post(VERIFY).handler(ctx -> forSignIn(ctx, this::verify));
    if (passkeys.settings().passkeyFirst()) {
      router.get(FIRST).handler(this::firstPage);
      router.post(FIRST_OPTIONS).handler(this::firstOptions);
      router.post(FIRST).handler(this::firstVerify);
    }
    router.get(MANAGE).handler(this::managePage);
    router.post(MANAGE + "/:id/rename").handler(this::rename);
    router.post(MANAGE + "/:id/remove").handler(this::remove);
  }

  // ---- set-up (J2.1-J2.3) ----

  private void setupPage(RoutingContext ctx) {
    Session session = ctx.session();
    MemberSession.Level level = MemberSession.level(session);
    if (level == MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    if (level == MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, MANAGE);
      return;
    }
    withMember(ctx, member -> {
      if (session.get(REGISTERED) == null && member.onboardingState() != MemberState.ONBOARDED) {
        pages.redirect(ctx, Journey.afterPassword(member));
        return;
      }
      pages.render(ctx, "passkey-setup", ceremonyModel(ctx, "register")
          .put("naming", session.get(REGISTERED) != null).put("defaultName", session.get(REGISTERED_NAME)));
    });
  }

  /** Registration is open to a fully signed-in member, or to one in set-up after ID + password. */
  private void forRegistration(RoutingContext ctx, BiConsumer<RoutingContext, Member> next) {
    MemberSession.Level level = MemberSession.level(ctx.session());
    if (level == MemberSession.Level.NONE) {
      jsonError(ctx, 401, "passkey.errors.signedOut");
      return;
    }
    withMember(ctx, member -> {
      if (level == MemberSession.Level.PASSWORD && member.onboardingState() != MemberState.ONBOARDED) {
        jsonError(ctx, 403, "passkey.errors.notNow");
        return;
      }
      next.accept(ctx, member);
    });
  }

  private void registerOptions(RoutingContext ctx, Member member) {
    passkeys.registrationOptions(member.id(), member.loginId(), member.name()).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      ctx.session().put(REGISTER_CHALLENGE, result.result().getString("challenge"));
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, result.result()));
    });
  }

  private void register(RoutingContext ctx, Member member) {
    JsonObject credential = jsonBody(ctx);
    if (credential == null) {
      jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    String challenge = ctx.session().remove(REGISTER_CHALLENGE);
    passkeys.register(member.id(), member.loginId(), challenge, credential, client(ctx)).onComplete(result -> {
      if (result.failed()) {
        refused(ctx, result.cause());
        return;
      }
      ctx.session().put(REGISTERED, result.result().id());
      ctx.session().put(REGISTERED_NAME, result.result().defaultName());
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, new JsonObject()
          .put("defaultName", result.result().defaultName())));
    });
  }

  /** The name step after the OS dialog (次へ): names the passkey just made, then on to the portal. */
  private void name(RoutingContext ctx) {
    Long memberId = MemberSession.memberId(ctx.session());
    Object registered = ctx.session() == null ? null : ctx.session().get(REGISTERED);
    if (memberId == null || !(registered instanceof Number passkeyId)) {
      pages.redirect(ctx, memberId == null ? Paths.LOGIN : MANAGE);
      return;
    }
    if (FormInput.hasMalformedField(ctx)) {
      pages.error(ctx, 400, "errors.malformed");
      return;
    }
    String typed = FormInput.field(ctx, "name", 400);
    String name = DeviceName.clean(typed);
    if (name == null) {
      name = ctx.session().get(REGISTERED_NAME);
    }
    passkeys.rename(memberId, passkeyId.longValue(), name).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      ctx.session().remove(REGISTERED);
      ctx.session().remove(REGISTERED_NAME);
      if (MemberSession.level(ctx.session()) == MemberSession.Level.PASSWORD) {
        setupCompletion.finish(ctx, memberId, Method.PASSKEY);
      } else {
        pages.redirect(ctx, MANAGE + "?added=1");
      }
    });
  }

  // ---- sign-in (J3.1) ----

  private void verifyPage(RoutingContext ctx) {
    MemberSession.Level level = MemberSession.level(ctx.session());
    if (level == MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    if (level == MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, "/");
      return;
    }
    withMember(ctx, member -> {
      if (member.onboardingState() != MemberState.METHOD_SET_UP) {
        pages.redirect(ctx, Journey.afterPassword(member));
        return;
      }
      passkeys.otherMethods(member.id()).onComplete(others -> {
        if (others.failed()) {
          ctx.fail(others.cause());
          return;
        }
        pages.render(ctx, "passkey-verify", ceremonyModel(ctx, "login")
            .put("otherMethods", !others.result().isEmpty()));
      });
    });
  }

  /** Only a member past ID + password, with a method set up, and not yet fully signed in. */
  private void forSignIn(RoutingContext ctx, BiConsumer<RoutingContext, Member> next) {
    MemberSession.Level level = MemberSession.level(ctx.session());
    if (level != MemberSession.Level.PASSWORD) {
      jsonError(ctx, level == MemberSession.Level.NONE ? 401 : 409,
          level == MemberSession.Level.NONE ? "passkey.errors.signedOut" : "passkey.errors.notNow");
      return;
    }
    withMember(ctx, member -> {
      if (member.onboardingState() != MemberState.METHOD_SET_UP) {
        jsonError(ctx, 403, "passkey.errors.notNow");
        return;
      }
      next.accept(ctx, member);
    });
  }

  private void loginOptions(RoutingContext ctx, Member member) {
    passkeys.loginOptions(member.id(), member.loginId()).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      if (result.result().getJsonArray("allowCredentials").isEmpty()) {
        jsonError(ctx, 404, "passkey.errors.none");
        return;
      }
      ctx.session().put(LOGIN_CHALLENGE, result.result().getString("challenge"));
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, result.result()));
    });
  }

  private void verify(RoutingContext ctx, Member member) {
    JsonObject assertion = jsonBody(ctx);
    if (assertion == null) {
      jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    // Removed before verifying: a challenge is good for one try, whatever its outcome.
    String challenge = ctx.session().remove(LOGIN_CHALLENGE);
    passkeys.verifyLogin(member.id(), member.loginId(), challenge, assertion, client(ctx)).onComplete(result -> {
      if (result.failed()) {
        refused(ctx, result.cause());
        return;
      }
      Journey.completeSignInJson(ctx, pages.sessions(), Method.PASSKEY).onComplete(location -> {
        if (location.failed()) {
          ctx.fail(location.cause());
        } else {
          Pages.json(ctx, 200, new JsonObject().put("location", location.result()));
        }
      });
    });
  }

  // ---- passkey-first sign-in (optional, webauthn.passkeyFirst) ----

  private void firstPage(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      pages.redirect(ctx, Paths.HOME);
      return;
    }
    pages.render(ctx, "passkey-login", ceremonyModel(ctx, "discover")
        .put("optionsUrl", FIRST_OPTIONS).put("submitUrl", FIRST));
  }

  private void firstOptions(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      jsonError(ctx, 409, "passkey.errors.notNow");
      return;
    }
    passkeys.discoverOptions().onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      ctx.session().put(DISCOVER_CHALLENGE, result.result().getString("challenge"));
      pages.afterSessionStored(ctx, () -> Pages.json(ctx, 200, result.result()));
    });
  }

  private void firstVerify(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.NONE) {
      jsonError(ctx, 409, "passkey.errors.notNow");
      return;
    }
    JsonObject assertion = jsonBody(ctx);
    if (assertion == null) {
      jsonError(ctx, 400, "passkey.errors.invalid");
      return;
    }
    String challenge = ctx.session().remove(DISCOVER_CHALLENGE);
    passkeys.verifyDiscoverable(challenge, assertion, client(ctx)).onComplete(result -> {
      if (result.failed()) {
        refused(ctx, result.cause());
        return;
      }
      // The same steps as a password login (new id, fresh CSRF token), then straight to complete.
      ctx.session().regenerateId();
      Csrf.carryOver(ctx.session());
      MemberSession.signIn(ctx.session(), result.result().memberId(), result.result().loginId(),
          MemberSession.Level.PASSWORD);
      Journey.completeSignInJson(ctx, pages.sessions(), Method.PASSKEY).onComplete(location -> {
        if (location.failed()) {
          ctx.fail(location.cause());
        } else {
          Pages.json(ctx, 200, new JsonObject().put("location", location.result()));
        }
      });
    });
  }

  // ---- management ----

  private void managePage(RoutingContext ctx) {
    Long memberId = signedIn(ctx);
    if (memberId == null) {
      return;
    }
    JsonObject model = ceremonyModel(ctx, "register");
    if (ctx.request().getParam("added") != null) {
      model.put("notice", "passkey.manage.added");
    } else if (ctx.request().getParam("renamed") != null) {
      model.put("notice", "passkey.manage.renamed");
    } else if (ctx.request().getParam("removed") != null) {
      model.put("notice", "passkey.manage.removed");
    }
    Object registered = ctx.session().get(REGISTERED);
    model.put("naming", registered != null).put("defaultName", ctx.session().get(REGISTERED_NAME));
    renderManage(ctx, memberId, 200, model);
  }

  private void renderManage(RoutingContext ctx, long memberId, int status, JsonObject model) {
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
    Long memberId = signedIn(ctx);
    Long passkeyId = idParam(ctx);
    if (memberId == null || passkeyId == null) {
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
        pages.redirect(ctx, MANAGE + "?renamed=1");
      } else {
        renderManage(ctx, memberId, 400, ceremonyModel(ctx, "register").put("error", "passkey.errors.badName"));
      }
    });
  }

  private void remove(RoutingContext ctx) {
    Long memberId = signedIn(ctx);
    Long passkeyId = idParam(ctx);
    if (memberId == null || passkeyId == null) {
      return;
    }
    passkeys.remove(memberId, MemberSession.loginId(ctx.session()), passkeyId, client(ctx)).onComplete(result -> {
      if (result.succeeded()) {
        pages.redirect(ctx, MANAGE + "?removed=1");
      } else if (result.cause() instanceof PasskeyRefused refused) {
        int status = refused.reason() == PasskeyRefused.Reason.NOT_FOUND ? 404 : 409;
        renderManage(ctx, memberId, status, ceremonyModel(ctx, "register").put("error", "passkey.errors." + refused.code()));
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  // ---- helpers ----

  /** What passkey.js reads from the page: endpoints, the CSRF token and its messages. */
  private JsonObject ceremonyModel(RoutingContext ctx, String mode) {
    boolean register = "register".equals(mode);
    return new JsonObject().put("mode", mode)
        .put("optionsUrl", register ? REGISTER_OPTIONS : LOGIN_OPTIONS)
        .put("submitUrl", register ? REGISTER : VERIFY)
        .put("csrfToken", Csrf.token(ctx));
  }

  private Long signedIn(RoutingContext ctx) {
    if (MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, MemberSession.memberId(ctx.session()) == null ? Paths.LOGIN : Journey.VERIFY);
      return null;
    }
    return MemberSession.memberId(ctx.session());
  }

  private Long idParam(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      pages.error(ctx, 404, "errors.notFound");
      return null;
    }
    return Long.parseLong(raw);
  }

  private void withMember(RoutingContext ctx, java.util.function.Consumer<Member> next) {
    Long memberId = MemberSession.memberId(ctx.session());
    Future<Member> found = memberId == null ? Future.succeededFuture() : members.findById(memberId);
    found.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        ctx.session().destroy();
        if (Pages.wantsJson(ctx) || ctx.request().method() == io.vertx.core.http.HttpMethod.POST) {
          jsonError(ctx, 401, "passkey.errors.signedOut");
        } else {
          pages.redirect(ctx, Paths.LOGIN);
        }
      } else {
        next.accept(result.result());
      }
    });
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void refused(RoutingContext ctx, Throwable cause) {
    if (cause instanceof PasskeyRefused refused) {
      int status = switch (refused.reason()) {
        case DUPLICATE, TOO_MANY, LAST_METHOD -> 409;
        case NOT_YOURS, SETUP_EXPIRED -> 403;
        default -> 400;
      };
      jsonError(ctx, status, "passkey.errors." + refused.code());
    } else {
      ctx.fail(cause);
    }
  }

  private void jsonError(RoutingContext ctx, int status, String key) {
    String lang = pages.i18n().language(ctx);
    String code = key.substring(key.lastIndexOf('.') + 1);
    pages.afterSessionStored(ctx, () -> Pages.json(ctx, status, code, pages.i18n().text(lang, key)));
  }

  private AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }

  private static String format(OffsetDateTime at) {
    return at == null ? null : at.atZoneSameInstant(ZONE).format(DATE);
  }

}
