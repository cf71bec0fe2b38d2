package dev.sekisho.factor.otpapi;

import dev.sekisho.factor.totp.TotpApiCheck;
import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.assembly.Otp;
import dev.sekisho.factor.code.CodeAnswers;
import dev.sekisho.factor.email.EmailOtpService;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
import dev.sekisho.journey.Journey;
import dev.sekisho.login.LoginResult;
import dev.sekisho.login.LoginService;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.session.SignIn;
import dev.sekisho.session.SignInClient;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Csrf;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The JSON API for the login and the second-factor check (docs/otp-api.md), for load testers and
 * front ends without HTML. The session is the same as the pages' one: the cookie works, and so does
 * {@code Authorization: Bearer <token>} (the token is the session id, answered by login and by a
 * successful check, which renews it). Bearer calls carry no ambient credential, so they need no CSRF
 * token; cookie calls send X-CSRF-Token (answered as csrfToken).
 */
public final class OtpApiRoutes {
  public static final String LOGIN = Paths.API + "/login";
  public static final String VERIFY = Paths.API + "/otp/verify";
  public static final String METHODS = Paths.API + "/otp/methods";
  public static final String EMAIL_SEND = Paths.API + "/otp/email/send";

  private final Otp otp;
  private final SecondFactors factors;
  private final LoginService logins;
  private final MemberRepository members;
  private final ClientAddress clientAddress;
  private final SessionHandler sessions;
  private final AuditLog audit;
  private final TotpApiCheck fastCheck;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OtpApiRoutes.class);

  public OtpApiRoutes(Otp otp, SecondFactors factors, LoginService logins, MemberRepository members, ClientAddress clientAddress, SessionHandler sessions,
                      AuditLog audit, TotpApiCheck fastCheck) {
    this.audit = audit;
    this.fastCheck = fastCheck;
    this.otp = otp;
    this.factors = factors;
    this.logins = logins;
    this.members = members;
    this.clientAddress = clientAddress;
    this.sessions = sessions;
  }

  /** Compiled once: String.matches would compile it again on every API call (garbage per check, BENCHMARKS.md). */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]{16,128}");

  /**
   * Registered BEFORE the session handler: a bearer token on an API call becomes the session
   * cookie of that request (and only that), and the request is marked as bearer-authenticated
   * for {@link Csrf}.
   */
  public static Handler<RoutingContext> bearer(String cookieName) {
    return ctx -> {
      if (ctx.get(TotpApiCheck.BEARER_TOKEN) != null) {
        // Already done on this request's way through the one-statement check's route.
        ctx.next();
        return;
      }
      String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          && ctx.normalizedPath().startsWith(Paths.API + "/")) {
        String token = authorization.substring(7).trim();
        if (TOKEN.matcher(token).matches()) {
          ctx.request().headers().set(HttpHeaders.COOKIE, cookieName + "=" + token);
          ctx.put(Csrf.BEARER, true);
          ctx.put(TotpApiCheck.BEARER_TOKEN, token);
        }
      }
      ctx.next();
    };
  }

  public void mount(Router router) {
    router.post(LOGIN).handler(this::login);
    router.get(METHODS).handler(this::methods);
    // (TotpApiCheck, mounted ahead of the session handler, answers the passing TOTP checks of bearer sessions.)
    router.post(VERIFY).handler(this::verify);
    router.post(EMAIL_SEND).handler(this::sendEmail);
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private void login(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String userId = body == null ? null : body.getValue("userId") instanceof String s ? s : null;
    String password = body == null ? null : body.getValue("password") instanceof String s ? s : null;
    if (userId == null || password == null || userId.isBlank() || password.isEmpty() || userId.length() > 256) {
      Pages.json(ctx, 400, "missing", "Send {\"userId\": ..., \"password\": ...}.");
      return;
    }
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    logins.login(userId, password, client).compose(result -> {
      if (result.outcome() == LoginResult.Outcome.LOCKED) {
        Pages.json(ctx, 429, "locked", "Too many failed logins; try again later.");
        return Future.succeededFuture();
      }
      if (result.outcome() == LoginResult.Outcome.SETUP_EXPIRED) {
        Pages.json(ctx, 403, "setup_expired", "The chosen method was not set up in time; contact the insurer.");
        return Future.succeededFuture();
      }
      if (result.outcome() == LoginResult.Outcome.DEACTIVATED) {
        Pages.json(ctx, 403, "deactivated", "This user ID is no longer active; contact the insurer.");
        return Future.succeededFuture();
      }
      if (result.outcome() != LoginResult.Outcome.SUCCESS) {
        Pages.json(ctx, 401, "invalid", "User ID or password is wrong.");
        return Future.succeededFuture();
      }
      Member member = result.member();
      String next = result.next() != null ? result.next() : Journey.afterPassword(member);
      SignIn.upgrade(ctx.session(), member.id(), member.loginId(), new SignInClient(client.ip(), client.userAgent()));
      if (member.onboardingState() == MemberState.METHOD_SET_UP && Journey.VERIFY.equals(next)) {
        // Remembered so the hot check path needs no member lookup; the state never moves back.
        SignInProgress.of(ctx.session()).markSecondStepReady();
      }
      String csrf = Csrf.token(ctx);
      return otp.methods().of(member.id()).compose(methods -> sessions.flush(ctx, true)
          .compose(v -> fastCheck.expect(ctx.session(), member.id()))
          .map(v -> {
            Pages.json(ctx, 200, new JsonObject().put("ok", true).put("token", ctx.session().id()).put("csrfToken", csrf)
                .put("next", next).put("methods", codes(methods))
                // Set by the insurer: after the second factor the portal is refused until it is
                // changed at /sekisho/password/change (GatewayAccess).
                .put("passwordMustChange", member.passwordMustChange()));
            return null;
          }));
    }).onFailure(ctx::fail);
  }

  private static JsonArray codes(List<Method> methods) {
    JsonArray out = new JsonArray();
    methods.forEach(m -> out.add(m.code()));
    return out;
  }

  /** The session's member when it is at the second step; otherwise the JSON error is sent and null returned. */
  private Long verifier(RoutingContext ctx) {
    Long id = MemberSession.memberId(ctx.session());
    if (id == null || MemberSession.level(ctx.session()) != MemberSession.Level.PASSWORD) {
      Pages.json(ctx, 401, "no_session", "Log in with user ID and password first.");
      return null;
    }
    return id;
  }

  private void methods(RoutingContext ctx) {
    Long id = verifier(ctx);
    if (id != null) {
      // A client asks for the methods right before the check: the check is made ready meanwhile.
      Future<List<Method>> methods = otp.methods().of(id);
      Future.all(methods, fastCheck.expect(ctx.session(), id))
          .onSuccess(both -> Pages.json(ctx, 200, new JsonObject().put("methods", codes(methods.result()))))
          .onFailure(ctx::fail);
    }
  }

  private void verify(RoutingContext ctx) {
    Long id = verifier(ctx);
    if (id == null) {
      return;
    }
    if (SignInProgress.of(ctx.session()).secondStepReady()) {
      check(ctx, id);
      return;
    }
    // Signed in through the page: the second step is only for members past onboarding.
    members.findById(id).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result() == null || found.result().onboardingState() != MemberState.METHOD_SET_UP) {
        Pages.json(ctx, 409, "not_ready", "Finish onboarding first: " + (found.result() == null ? Paths.LOGIN
            : Journey.afterPassword(found.result())));
      } else {
        SignInProgress.of(ctx.session()).markSecondStepReady();
        check(ctx, id);
      }
    });
  }

  private void check(RoutingContext ctx, long id) {
    JsonObject body = body(ctx);
    String code = body == null ? null : body.getValue("code") instanceof String s ? s : null;
    String code2 = body == null ? null : body.getValue("nextCode") instanceof String s ? s : null;
    String methodText = body == null ? null : body.getValue("method") instanceof String s ? s : "totp";
    if (code == null) {
      Pages.json(ctx, 400, "missing", "Send {\"code\": \"123456\", \"method\": \"totp|email|hotp|recovery\"}.");
      return;
    }
    SecondFactor factor = factors.typedCode(methodText).orElse(null);
    if (factor == null) {
      Pages.json(ctx, 400, "bad_method", "method must be totp, email, hotp or recovery.");
      return;
    }
    AuditEvent passed = AuditEvent.of(id, MemberSession.loginId(ctx.session()), "otp.api.verify." + methodText,
        CheckResult.OK.name().toLowerCase(), new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT)));
    Future<CheckResult> check = otp.limit().fromAddress(clientAddress.of(ctx),
        () -> factor.verify(SecondFactor.Answer.codes(id, code, code2).passing(passed)));
    check.compose(result -> {
      if (result == CheckResult.OK && factor.writesPassedEvent()) {
        // Committed with the check itself (SecondFactor.writesPassedEvent): the observers still count it.
        audit.written(passed);
      } else {
        // Recorded without waiting: the answer costs no extra round trip.
        audit.record(new AuditEvent(passed.memberId(), passed.loginId(), passed.kind(), result.name().toLowerCase(),
                passed.ip(), passed.userAgent(), null))
            .onFailure(err -> LOG.warn("audit failed: {}", err.toString()));
      }
      if (result != CheckResult.OK) {
        Pages.json(ctx, CodeAnswers.status(result), result.name().toLowerCase(), switch (result) {
          case LOCKED -> "Too many wrong codes; the second step is locked. Try later, use a recovery code, or ask the insurer.";
          case EXPIRED -> "The code has expired or was tried too often; request a new one.";
          case NOT_SET_UP -> "This method is not set up for the member.";
          default -> "The code is wrong or was already used.";
        });
        return Future.succeededFuture();
      }
      return Journey.completeSignInJson(ctx, sessions, factor.method()).map(redirect -> {
        Pages.json(ctx, 200, new JsonObject().put("ok", true).put("redirect", redirect).put("token", ctx.session().id()));
        return null;
      });
    }).onFailure(ctx::fail);
  }

  private void sendEmail(RoutingContext ctx) {
    Long id = verifier(ctx);
    if (id == null) {
      return;
    }
    JsonObject b = body(ctx);
    boolean resend = b != null && Boolean.TRUE.equals(b.getValue("resend"));
    members.findById(id).compose(member -> otp.methods().of(id).compose(methods -> {
      if (member == null || !methods.contains(Method.EMAIL)) {
        Pages.json(ctx, 404, "not_set_up", "Email OTP is not set up for the member.");
        return Future.succeededFuture();
      }
      // The portal may say which language its member reads; Japanese otherwise.
      String lang = b != null && "en".equals(b.getValue("lang")) ? "en" : "ja";
      return otp.email().send(id, member.email(), member.name(), lang, resend, clientAddress.of(ctx)).map(result -> {
        int status = result == EmailOtpService.SendResult.COOLDOWN || result == EmailOtpService.SendResult.HOURLY_CAP ? 429 : 200;
        Pages.json(ctx, status, new JsonObject().put("ok", status == 200).put("result", result.name().toLowerCase()));
        return null;
      });
    })).onFailure(ctx::fail);
  }
}
