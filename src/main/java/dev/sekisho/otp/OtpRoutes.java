package dev.sekisho.otp;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.Method;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.net.URLEncoder;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The OTP pages: set-up of TOTP (J2.4-J2.6) and email (J2.7), the second step at login (J3.1)
 * with its choice page, recovery codes, and the member's own OTP settings. Handlers read the
 * request, call one service, and answer through Pages or Journey.
 */
public final class OtpRoutes {
  public static final String SETUP_TOTP = Journey.SETUP_PREFIX + "totp";
  public static final String SETUP_EMAIL = Journey.SETUP_PREFIX + "email";
  public static final String SETUP_DONE = Paths.PREFIX + "/otp/continue";
  public static final String VERIFY_RECOVERY = Journey.VERIFY + "/recovery";
  public static final String ACCOUNT = Paths.PREFIX + "/account/otp";
  public static final String PROVE = ACCOUNT + "/prove";

  static final String CHANGE = "otp.change";
  static final String REPLACED = "otp.replaced";
  /** When the fresh check for a change passed: the change must be finished soon after. */
  static final String CHANGE_AT = "otp.changeAt";
  private static final long CHANGE_WINDOW_MS = 10 * 60 * 1000;
  static final String SETUP_FINISHED = "otp.setupDone";
  /** Set when a recovery code replaced the second factor: the code was the fresh proof for one change. */
  static final String RECOVERED = "otp.recovered";
  private static final Logger LOG = LoggerFactory.getLogger(OtpRoutes.class);
  private static final Set<String> INTENTS = Set.of("recreate-totp", "switch-totp", "switch-email", "recovery");

  private final Otp otp;
  private final MemberRepository members;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public OtpRoutes(Otp otp, MemberRepository members, AuditLog audit, ClientAddress clientAddress, Pages pages) {
    this.otp = otp;
    this.members = members;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(SETUP_TOTP).handler(this::showTotpSetup);
    router.get(SETUP_TOTP + "/qr.png").handler(this::totpQrPng);
    router.post(SETUP_TOTP).handler(this::confirmTotp);
    router.get(SETUP_EMAIL).handler(ctx -> showEmail(ctx, true, false));
    router.post(SETUP_EMAIL).handler(ctx -> submitEmail(ctx, true));
    router.post(SETUP_EMAIL + "/resend").handler(ctx -> showEmail(ctx, true, true));
    router.post(SETUP_DONE).handler(this::continueAfterSetup);

    router.get(Journey.VERIFY).handler(this::choose);
    router.get(Journey.VERIFY + "/totp").handler(ctx -> showCode(ctx, Method.TOTP));
    router.post(Journey.VERIFY + "/totp").handler(ctx -> submitCode(ctx, Method.TOTP));
    router.get(Journey.VERIFY + "/hotp").handler(ctx -> showCode(ctx, Method.HOTP));
    router.post(Journey.VERIFY + "/hotp").handler(ctx -> submitCode(ctx, Method.HOTP));
    router.get(Journey.VERIFY + "/email").handler(ctx -> showEmail(ctx, false, false));
    router.post(Journey.VERIFY + "/email").handler(ctx -> submitEmail(ctx, false));
    router.post(Journey.VERIFY + "/email/resend").handler(ctx -> showEmail(ctx, false, true));
    router.get(VERIFY_RECOVERY).handler(this::showRecovery);
    router.post(VERIFY_RECOVERY).handler(this::submitRecovery);

    router.get(ACCOUNT).handler(this::account);
    router.get(PROVE).handler(this::showProve);
    router.post(PROVE).handler(this::submitProve);
  }

  // ---------------------------------------------------------------- access

  /** The session's member, when the session is at the level given; otherwise the answer is sent and null returned. */
  private Future<Member> member(RoutingContext ctx, MemberSession.Level level) {
    Long id = MemberSession.memberId(ctx.session());
    if (id == null || MemberSession.level(ctx.session()) != level) {
      pages.redirect(ctx, id != null && MemberSession.level(ctx.session()) == MemberSession.Level.COMPLETE ? "/" : Paths.LOGIN);
      return Future.succeededFuture(null);
    }
    return members.findById(id).map(member -> {
      if (member == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
      }
      return member;
    });
  }

  /** The second step (J3.1): a password-level session whose member has a method set up. */
  private Future<Member> verifier(RoutingContext ctx) {
    return member(ctx, MemberSession.Level.PASSWORD).map(member -> {
      if (member != null && member.onboardingState() != MemberState.METHOD_SET_UP) {
        pages.redirect(ctx, Journey.afterPassword(member));
        return null;
      }
      return member;
    });
  }

  /**
   * Set-up of a method: the first set-up (password-level session, member 'onboarded' with this
   * method chosen) or a change from the account page after a fresh check (complete session, the
   * session names the method being set up).
   */
  private Future<Member> setter(RoutingContext ctx, Method method) {
    Session session = ctx.session();
    MemberSession.Level level = MemberSession.level(session);
    if (level == MemberSession.Level.COMPLETE) {
      Object at = session.get(CHANGE_AT);
      boolean fresh = at instanceof Number n && System.currentTimeMillis() - n.longValue() < CHANGE_WINDOW_MS;
      if (!fresh || !method.code().equals(session.get(CHANGE))) {
        pages.redirect(ctx, ACCOUNT);
        return Future.succeededFuture(null);
      }
      return member(ctx, MemberSession.Level.COMPLETE);
    }
    return member(ctx, MemberSession.Level.PASSWORD).map(member -> {
      if (member != null && !(member.onboardingState() == MemberState.ONBOARDED && method == member.chosenMethod())) {
        pages.redirect(ctx, Journey.afterPassword(member));
        return null;
      }
      return member;
    });
  }

  private static Method replaced(RoutingContext ctx) {
    String code = ctx.session().get(REPLACED);
    return code == null ? null : Method.fromCode(code).orElse(null);
  }

  // ---------------------------------------------------------------- TOTP set-up

  private void showTotpSetup(RoutingContext ctx) {
    setter(ctx, Method.TOTP).compose(member -> member == null ? Future.succeededFuture()
        : otp.totp().pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri()).map(png -> {
          renderTotpSetup(ctx, 200, pending, png, null);
          return null;
        }))).onFailure(ctx::fail);
  }

  private void renderTotpSetup(RoutingContext ctx, int status, TotpService.Pending pending, byte[] png, String error) {
    JsonObject model = new JsonObject()
        .put("qr", "data:image/png;base64," + Base64.getEncoder().encodeToString(png))
        .put("key", Base32.grouped(pending.base32()))
        .put("keyPlain", pending.base32())
        .put("issuer", otp.settings().issuer())
        .put("userId", MemberSession.loginId(ctx.session()))
        .put("period", otp.settings().totpPeriod());
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-setup-totp", model);
  }

  private Future<byte[]> qr(RoutingContext ctx, String uri) {
    // Small, but CPU work: off the event loop.
    return ctx.vertx().executeBlocking(() -> QrCodes.png(uri, 240), false);
  }

  /** J2.6: the same QR code as a PNG file, for browser extensions that read an image file. */
  private void totpQrPng(RoutingContext ctx) {
    setter(ctx, Method.TOTP).compose(member -> member == null ? Future.succeededFuture()
        : otp.totp().pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri())).map(png -> {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "image/png")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"totp-qr.png\"")
              .end(io.vertx.core.buffer.Buffer.buffer(png));
          return null;
        })).onFailure(ctx::fail);
  }

  private void confirmTotp(RoutingContext ctx) {
    String code = FormInput.field(ctx, "code", 64);
    setter(ctx, Method.TOTP).compose(member -> member == null ? Future.succeededFuture()
        : otp.totp().activate(member.id(), code, replaced(ctx)).compose(activation -> {
          audit(ctx, member, "otp.totp.setup", activation.result());
          if (activation.result() == CheckResult.OK) {
            setupFinished(ctx, Method.TOTP, activation.recoveryCodes());
            return Future.succeededFuture();
          }
          return otp.totp().pending(member.id(), member.loginId()).compose(pending -> qr(ctx, pending.uri()).map(png -> {
            renderTotpSetup(ctx, status(activation.result()), pending, png, message(activation.result()));
            return null;
          }));
        })).onFailure(ctx::fail);
  }

  /**
   * After a method is set up: the recovery codes once (first method), then on to the portal
   * (POST SETUP_DONE -> Journey.completeSignIn) or back to the account page (a change).
   */
  private void setupFinished(RoutingContext ctx, Method method, List<String> codes) {
    Session session = ctx.session();
    boolean change = MemberSession.level(session) == MemberSession.Level.COMPLETE;
    session.remove(CHANGE);
    session.remove(CHANGE_AT);
    session.remove(REPLACED);
    if (codes.isEmpty()) {
      if (change) {
        pages.redirect(ctx, ACCOUNT + "?done=" + method.code());
      } else {
        Journey.completeSignIn(ctx, pages, method);
      }
      return;
    }
    // Remember which method was set up: the sign-in completes with it after the codes are shown.
    session.put(SETUP_FINISHED, method.code());
    renderRecoveryCodes(ctx, codes, "otp.recovery.issuedLead");
  }

  /**
   * Ends a first set-up done by another factor package (a passkey): recovery codes are issued
   * and shown once if the member has none, then the sign-in completes with that method.
   */
  public void finishSetUp(RoutingContext ctx, long memberId, Method method) {
    otp.recovery().issueIfNone(memberId).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result().isEmpty()) {
        Journey.completeSignIn(ctx, pages, method);
      } else {
        ctx.session().put(SETUP_FINISHED, method.code());
        renderRecoveryCodes(ctx, result.result(), "otp.recovery.issuedLead");
      }
    });
  }

  private void renderRecoveryCodes(RoutingContext ctx, List<String> codes, String lead) {
    String text = "Recovery codes / 回復コード (" + otp.settings().issuer() + ")\n\n" + String.join("\n", codes) + "\n";
    pages.render(ctx, "otp-recovery-codes", new JsonObject()
        .put("codes", new JsonArray(codes))
        .put("lead", pages.i18n().text(pages.i18n().language(ctx), lead))
        .put("download", "data:text/plain;charset=utf-8," + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20")));
  }

  private void continueAfterSetup(RoutingContext ctx) {
    Session session = ctx.session();
    Object finished = session == null ? null : session.remove(SETUP_FINISHED);
    if (finished == null) {
      pages.redirect(ctx, MemberSession.level(session) == MemberSession.Level.COMPLETE ? ACCOUNT : Journey.VERIFY);
      return;
    }
    Method method = finished instanceof String code ? Method.fromCode(code).orElse(null) : null;
    if (MemberSession.level(session) == MemberSession.Level.COMPLETE || method == null) {
      pages.redirect(ctx, MemberSession.level(session) == MemberSession.Level.COMPLETE ? ACCOUNT : Journey.VERIFY);
    } else {
      Journey.completeSignIn(ctx, pages, method);
    }
  }

  // ---------------------------------------------------------------- second step

  /** J3.1: the member's methods; one goes straight to its page, several give a choice (last used first). */
  private void choose(RoutingContext ctx) {
    verifier(ctx).compose(member -> member == null ? Future.succeededFuture()
        : otp.methods().of(member.id()).map(methods -> {
          if (methods.size() == 1) {
            pages.redirect(ctx, Journey.VERIFY + "/" + methods.get(0).code());
            return null;
          }
          JsonArray choices = new JsonArray();
          for (int i = 0; i < methods.size(); i++) {
            choices.add(new JsonObject().put("code", methods.get(i).code()).put("last", i == 0)
                .put("href", Journey.VERIFY + "/" + methods.get(i).code()));
          }
          pages.render(ctx, "otp-choose", new JsonObject().put("methods", choices).put("none", methods.isEmpty()));
          return null;
        })).onFailure(ctx::fail);
  }

  private void showCode(RoutingContext ctx, Method method) {
    verifier(ctx).map(member -> {
      if (member != null) {
        renderCode(ctx, 200, method, Journey.VERIFY + "/" + method.code(), null, null);
      }
      return null;
    }).onFailure(ctx::fail);
  }

  private void renderCode(RoutingContext ctx, int status, Method method, String action, String error, String intent) {
    JsonObject model = new JsonObject().put("method", method.code()).put("action", action)
        .put("resync", method == Method.HOTP && intent == null).put("login", intent == null)
        .put("heading", pages.i18n().text(pages.i18n().language(ctx), "otp.title." + method.code()));
    if (intent != null) {
      model.put("intent", intent).put("recovered", ctx.session().get(RECOVERED) != null);
    }
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-code", model);
  }

  private void submitCode(RoutingContext ctx, Method method) {
    String code = FormInput.field(ctx, "code", 64);
    String next = FormInput.field(ctx, "code2", 64);
    verifier(ctx).compose(member -> {
      if (member == null) {
        return Future.succeededFuture();
      }
      Future<CheckResult> check = otp.limit().fromAddress(clientAddress.of(ctx), () -> switch (method) {
        case TOTP -> otp.totp().verify(member.id(), code);
        case HOTP -> next == null || next.isBlank() ? otp.hotp().verify(member.id(), code)
            : otp.hotp().resync(member.id(), code, next);
        default -> Future.succeededFuture(CheckResult.NOT_SET_UP);
      });
      return check.map(result -> {
        answerCheck(ctx, member, method, result, () -> renderCode(ctx, status(result), method,
            Journey.VERIFY + "/" + method.code(), message(result), null));
        return null;
      });
    }).onFailure(ctx::fail);
  }

  private void answerCheck(RoutingContext ctx, Member member, Method method, CheckResult result, Runnable again) {
    audit(ctx, member, "otp.verify." + method.code(), result);
    switch (result) {
      case OK -> Journey.completeSignIn(ctx, pages, method);
      case NOT_SET_UP -> pages.redirect(ctx, Journey.VERIFY);
      default -> again.run();
    }
  }

  // ---------------------------------------------------------------- email

  private void showEmail(RoutingContext ctx, boolean setup, boolean resend) {
    Future<Member> who = setup ? setter(ctx, Method.EMAIL) : verifier(ctx);
    who.compose(member -> {
      if (member == null) {
        return Future.succeededFuture();
      }
      Future<Boolean> allowed = setup ? Future.succeededFuture(true)
          : otp.methods().of(member.id()).map(m -> m.contains(Method.EMAIL));
      return allowed.compose(ok -> {
        if (!ok) {
          pages.redirect(ctx, Journey.VERIFY);
          return Future.succeededFuture();
        }
        return otp.email().send(member.id(), member.email(), member.name(), resend, clientAddress.of(ctx)).map(sent -> {
          String notice = switch (sent) {
            case SENT -> resend ? "otp.email.resent" : "otp.email.sent";
            case ALREADY_LIVE -> "otp.email.sent";
            default -> null;
          };
          String error = switch (sent) {
            case COOLDOWN -> "otp.email.cooldown";
            case HOURLY_CAP -> "otp.email.hourlyCap";
            default -> null;
          };
          return otp.email().mailDelayed(member.id()).map(delayed -> {
            // SMTP refusing or stalling: say so (and that 再送信 may help later) rather than leave the member waiting.
            renderEmail(ctx, error == null ? 200 : 429, setup, notice, error != null ? error : delayed ? "otp.email.delayed" : null);
            return null;
          });
        });
      });
    }).onFailure(ctx::fail);
  }

  private void renderEmail(RoutingContext ctx, int status, boolean setup, String notice, String error) {
    String base = setup ? SETUP_EMAIL : Journey.VERIFY + "/email";
    JsonObject model = new JsonObject().put("action", base).put("resendAction", base + "/resend").put("login", !setup)
        .put("validity", otp.settings().emailValidity().toMinutes());
    if (notice != null) {
      model.put("notice", notice);
    }
    if (error != null) {
      model.put("error", error);
    }
    pages.render(ctx, status, "otp-email", model);
  }

  private void submitEmail(RoutingContext ctx, boolean setup) {
    String code = FormInput.field(ctx, "code", 64);
    if (setup) {
      setter(ctx, Method.EMAIL).compose(member -> member == null ? Future.succeededFuture()
          : otp.email().activate(member.id(), code, replaced(ctx)).map(activation -> {
            audit(ctx, member, "otp.email.setup", activation.result());
            if (activation.result() == CheckResult.OK) {
              setupFinished(ctx, Method.EMAIL, activation.recoveryCodes());
            } else {
              renderEmail(ctx, status(activation.result()), true, null, message(activation.result()));
            }
            return null;
          })).onFailure(ctx::fail);
      return;
    }
    verifier(ctx).compose(member -> member == null ? Future.succeededFuture()
        : otp.limit().fromAddress(clientAddress.of(ctx), () -> otp.email().verify(member.id(), code)).map(result -> {
          answerCheck(ctx, member, Method.EMAIL, result, () -> renderEmail(ctx, status(result), false, null, message(result)));
          return null;
        })).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- recovery codes

  private void showRecovery(RoutingContext ctx) {
    verifier(ctx).map(member -> {
      if (member != null) {
        pages.render(ctx, "otp-recovery", new JsonObject());
      }
      return null;
    }).onFailure(ctx::fail);
  }

  private void submitRecovery(RoutingContext ctx) {
    String code = FormInput.field(ctx, "code", 64);
    verifier(ctx).compose(member -> {
      if (member == null) {
        return Future.succeededFuture();
      }
      return otp.limit().fromAddress(clientAddress.of(ctx), () -> otp.limit().lockedForRecovery(member.id()).compose(locked -> {
        if (locked) {
          return Future.succeededFuture(CheckResult.LOCKED);
        }
        return otp.recovery().use(member.id(), code)
            .compose(ok -> ok ? otp.limit().clear(member.id()).map(CheckResult.OK) : otp.limit().fail(member.id()));
      })).map(result -> {
        audit(ctx, member, "otp.verify.recovery", result);
        if (result == CheckResult.OK) {
          // The session is complete; the member is asked to set a method up again (the account page).
          Session session = ctx.session();
          session.regenerateId();
          Csrf.carryOver(session);
          MemberSession.raise(session, MemberSession.Level.COMPLETE);
          MemberSession.setMethod(session, "recovery");
          session.put(RECOVERED, true);
          pages.redirect(ctx, ACCOUNT + "?recovered=1");
        } else {
          pages.render(ctx, status(result), "otp-recovery", new JsonObject().put("error", message(result)));
        }
        return null;
      });
    }).onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- self-service

  private void account(RoutingContext ctx) {
    member(ctx, MemberSession.Level.COMPLETE).compose(member -> member == null ? Future.succeededFuture()
        : otp.methods().of(member.id()).compose(methods -> otp.recovery().remaining(member.id()).map(remaining -> {
          JsonArray list = new JsonArray();
          methods.forEach(m -> list.add(m.code()));
          JsonObject model = new JsonObject().put("methods", list).put("remaining", remaining)
              .put("hasTotp", methods.contains(Method.TOTP))
              .put("canSwitchTotp", !methods.contains(Method.TOTP))
              .put("canSwitchEmail", !methods.contains(Method.EMAIL));
          if (ctx.request().getParam("recovered") != null) {
            model.put("error", "otp.recovery.setUpAgain");
          } else if (ctx.request().getParam("done") != null) {
            model.put("notice", "otp.account.done");
          }
          pages.render(ctx, "otp-account", model);
          return null;
        }))).onFailure(ctx::fail);
  }

  /** The method a fresh check uses on the account page: the last used code method. */
  private static Method proofMethod(List<Method> methods) {
    return methods.stream().filter(m -> m != Method.PASSKEY).findFirst().orElse(null);
  }

  private void showProve(RoutingContext ctx) {
    String intent = ctx.request().getParam("intent");
    if (intent == null || !INTENTS.contains(intent)) {
      pages.redirect(ctx, ACCOUNT);
      return;
    }
    member(ctx, MemberSession.Level.COMPLETE).compose(member -> member == null ? Future.succeededFuture()
        : otp.methods().of(member.id()).compose(methods -> {
          Method method = proofMethod(methods);
          if (ctx.session().get(RECOVERED) != null) {
            renderCode(ctx, 200, method == null ? Method.TOTP : method, PROVE, null, intent);
            return Future.succeededFuture();
          }
          if (method == null) {
            pages.error(ctx, 409, "otp.account.noCodeMethod");
            return Future.succeededFuture();
          }
          Future<?> sending = method == Method.EMAIL
              ? otp.email().send(member.id(), member.email(), member.name(), false, clientAddress.of(ctx)) : Future.succeededFuture();
          return sending.map(v -> {
            renderCode(ctx, 200, method, PROVE, null, intent);
            return null;
          });
        })).onFailure(ctx::fail);
  }

  private void submitProve(RoutingContext ctx) {
    String intent = FormInput.field(ctx, "intent", 32);
    String code = FormInput.field(ctx, "code", 64);
    if (intent == null || !INTENTS.contains(intent)) {
      pages.redirect(ctx, ACCOUNT);
      return;
    }
    member(ctx, MemberSession.Level.COMPLETE).compose(member -> member == null ? Future.succeededFuture()
        : otp.methods().of(member.id()).compose(methods -> {
          Method method = proofMethod(methods);
          if (ctx.session().remove(RECOVERED) != null) {
            // The recovery code just used is the fresh proof (the member may have lost the method).
            return perform(ctx, member, intent, method);
          }
          if (method == null) {
            pages.error(ctx, 409, "otp.account.noCodeMethod");
            return Future.succeededFuture();
          }
          Future<CheckResult> check = otp.limit().fromAddress(clientAddress.of(ctx), () -> switch (method) {
            case TOTP -> otp.totp().verify(member.id(), code);
            case HOTP -> otp.hotp().verify(member.id(), code);
            case EMAIL -> otp.email().verify(member.id(), code);
            case PASSKEY -> Future.succeededFuture(CheckResult.NOT_SET_UP);
          });
          return check.compose(result -> {
            audit(ctx, member, "otp.prove." + method.code(), result);
            if (result != CheckResult.OK) {
              renderCode(ctx, status(result), method, PROVE, message(result), intent);
              return Future.succeededFuture();
            }
            return perform(ctx, member, intent, method);
          });
        })).onFailure(ctx::fail);
  }

  private Future<Void> perform(RoutingContext ctx, Member member, String intent, Method proven) {
    Session session = ctx.session();
    switch (intent) {
      case "recovery" -> {
        return otp.recovery().regenerate(member.id()).map(codes -> {
          session.put(SETUP_FINISHED, true);
          renderRecoveryCodes(ctx, codes, "otp.recovery.regeneratedLead");
          return null;
        });
      }
      case "recreate-totp" -> {
        session.put(CHANGE_AT, System.currentTimeMillis());
        session.put(CHANGE, Method.TOTP.code());
        session.remove(REPLACED);
        return otp.totp().renew(member.id(), member.loginId()).map(p -> {
          pages.redirect(ctx, SETUP_TOTP);
          return null;
        });
      }
      default -> {
        Method target = "switch-totp".equals(intent) ? Method.TOTP : Method.EMAIL;
        session.put(CHANGE_AT, System.currentTimeMillis());
        session.put(CHANGE, target.code());
        if (proven == null || proven == target) {
          session.remove(REPLACED);
        } else {
          session.put(REPLACED, proven.code());
        }
        Future<?> fresh = target == Method.TOTP ? otp.totp().renew(member.id(), member.loginId()) : Future.succeededFuture();
        return fresh.map(v -> {
          pages.redirect(ctx, target == Method.TOTP ? SETUP_TOTP : SETUP_EMAIL);
          return null;
        });
      }
    }
  }

  // ---------------------------------------------------------------- common

  static int status(CheckResult result) {
    return switch (result) {
      case LOCKED -> 429;
      case EXPIRED -> 410;
      case NOT_SET_UP -> 404;
      default -> 401;
    };
  }

  static String message(CheckResult result) {
    return switch (result) {
      case LOCKED -> "otp.errors.locked";
      case EXPIRED -> "otp.errors.expired";
      case NOT_SET_UP -> "otp.errors.notSetUp";
      default -> "otp.errors.invalid";
    };
  }

  private void audit(RoutingContext ctx, Member member, String kind, CheckResult result) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    audit.record(AuditEvent.of(member.id(), member.loginId(), kind, result.name().toLowerCase(), client))
        .onFailure(err -> LOG.warn("audit of {} failed: {}", kind, err.toString()));
  }
}
