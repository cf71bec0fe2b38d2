package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.audit.AuditQuery;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.ImportNotUtf8;
import dev.sekisho.member.ImportProblem;
import dev.sekisho.member.ImportRejected;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormBodies;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;


/**
 * The insurer's JSON API under /sekisho/admin/api. Every call is authenticated by the admin token
 * and audited, refusals included. Member search and changes live in {@link AdminMemberRoutes},
 * the audit log in {@link AdminAuditRoutes}.
 */
public final class AdminRoutes {
  /** Member files are large; 64 MiB holds well over 200,000 members. */
  static final long MAX_IMPORT_BYTES = 64L * 1024 * 1024;

  private final MemberImporter importer;
  private final MemberRepository members;
  private final LoginThrottle throttle;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final AdminAuth auth;
  private final MemberAdmin memberAdmin;
  private final AdminReply reply;
  private final AdminMemberRoutes memberRoutes;
  private final AdminAuditRoutes auditRoutes;

  public AdminRoutes(MemberImporter importer, MemberRepository members, LoginThrottle throttle, AuditLog audit,
                     ClientAddress clientAddress, AdminAuth auth, MemberAdmin memberAdmin, AuditQuery auditQuery) {
    this.importer = importer;
    this.members = members;
    this.throttle = throttle;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.auth = auth;
    this.memberAdmin = memberAdmin;
    this.reply = new AdminReply(audit, clientAddress);
    this.memberRoutes = new AdminMemberRoutes(members, memberAdmin, reply);
    this.auditRoutes = new AdminAuditRoutes(auditQuery, reply);
  }

  public void mount(Router router) {
    router.route(Paths.ADMIN_API + "/*").handler(auth);
    router.post(Paths.ADMIN_API + "/members/import")
        .handler(new ImportUpload(MAX_IMPORT_BYTES))
        .handler(this::importMembers);
    router.route(Paths.ADMIN_API + "/*").handler(FormBodies.limitedTo(64 * 1024));
    router.get(Paths.ADMIN_API + "/members/:userId").handler(this::viewMember);
    router.post(Paths.ADMIN_API + "/members/:userId/unlock").handler(this::unlockMember);
    router.get(Paths.ADMIN_API + "/locks").handler(this::listLocks);
    router.post(Paths.ADMIN_API + "/ips/:ip/unlock").handler(this::unlockIp);
    memberRoutes.mount(router);
    auditRoutes.mount(router);
    router.route(Paths.ADMIN_API + "/*").handler(ctx -> Pages.json(ctx, 404, "not_found", "No such admin API call."));
  }

  private void importMembers(RoutingContext ctx) {
    importer.importFile(ctx.get(ImportUpload.FILE)).onComplete(result -> {
      if (result.succeeded()) {
        var report = result.result();
        JsonObject body = new JsonObject().put("members", report.members()).put("inserted", report.inserted())
            .put("updated", report.updated()).put("passwordsIssued", report.passwordsIssued());
        audited(ctx, null, null, "admin.members.import", "ok", body).onComplete(v -> Pages.json(ctx, 200, body));
      } else if (result.cause() instanceof ImportRejected rejected) {
        JsonArray problems = new JsonArray();
        for (ImportProblem p : rejected.problems()) {
          problems.add(new JsonObject().put("line", p.line()).put("reason", p.reason()));
        }
        JsonObject body = new JsonObject().put("error", new JsonObject().put("code", "import_rejected")
            .put("message", rejected.getMessage()).put("problems", problems));
        audited(ctx, null, null, "admin.members.import", "rejected", new JsonObject().put("problems", problems.size()))
            .onComplete(v -> Pages.json(ctx, 422, body));
      } else if (result.cause() instanceof ImportNotUtf8) {
        reply.refuse(ctx, null, null, "admin.members.import", 400, "not_utf8", "The member file must be UTF-8 text.");
      } else {
        ctx.fail(result.cause());
      }
    });
  }

  private void viewMember(RoutingContext ctx) {
    String loginId;
    boolean revealCard;
    try {
      loginId = AdminInput.loginId(ctx);
      revealCard = revealCard(ctx);
    } catch (BadInput bad) {
      reply.fail(ctx, "admin.members.view", bad);
      return;
    }
    members.findByLoginId(loginId).compose(member -> {
      if (member == null) {
        return Future.succeededFuture((JsonObject) null);
      }
      return throttle.status(LoginThrottle.idSubject(loginId)).compose(lock -> throttle.status(LoginThrottle.otpSubject(member.id()))
          .compose(codeLock -> memberAdmin.factorsAndSessions(member.id())
              .map(more -> describe(member, revealCard).put("lock", lock).put("secondStepLock", codeLock).mergeIn(more))));
    }).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        reply.refuse(ctx, null, loginId, "admin.members.view", 404, "no_member", "No member has this user ID.");
      } else {
        audited(ctx, result.result().getLong("id"), loginId, "admin.members.view", "ok",
            revealCard ? new JsonObject().put("revealed", "card") : null)
            .onComplete(v -> Pages.json(ctx, 200, result.result()));
      }
    });
  }

  private void unlockMember(RoutingContext ctx) {
    String loginId;
    try {
      loginId = AdminInput.loginId(ctx);
    } catch (BadInput bad) {
      reply.fail(ctx, "admin.members.unlock", bad);
      return;
    }
    // Both steps: the password/birthdate lock of the ID and the second-step (code) lock of the member.
    Future<Boolean> unlocked = throttle.unlock(LoginThrottle.idSubject(loginId))
        .compose(byId -> members.findByLoginId(loginId).compose(member -> member == null ? Future.succeededFuture(byId)
            : throttle.unlock(LoginThrottle.otpSubject(member.id())).map(byCode -> byId || byCode)));
    unlocked.onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      audited(ctx, null, loginId, "admin.members.unlock", result.result() ? "ok" : "not_locked", null)
          .onComplete(v -> Pages.json(ctx, 200, new JsonObject().put("userId", loginId).put("unlocked", result.result())));
    });
  }

  private void unlockIp(RoutingContext ctx) {
    String ip = ctx.pathParam("ip");
    if (ip == null || !ip.matches("[0-9A-Fa-f:.]{2,45}")) {
      reply.refuse(ctx, null, null, "admin.ips.unlock", 400, "bad_ip", "Give an IPv4 or IPv6 address.");
      return;
    }
    throttle.unlock(LoginThrottle.ipSubject(ip)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      audited(ctx, null, null, "admin.ips.unlock", result.result() ? "ok" : "not_locked", new JsonObject().put("ip", ip))
          .onComplete(v -> Pages.json(ctx, 200, new JsonObject().put("ip", ip).put("unlocked", result.result())));
    });
  }

  private void listLocks(RoutingContext ctx) {
    throttle.locked().onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else {
        audited(ctx, null, null, "admin.locks.list", "ok", null)
            .onComplete(v -> Pages.json(ctx, 200, new JsonObject().put("locks", result.result())));
      }
    });
  }

  /** {@code ?reveal=card} asks for the card number and birthdate in clear; anything else is refused. */
  private static boolean revealCard(RoutingContext ctx) {
    String reveal = ctx.request().getParam("reveal");
    if (reveal != null && !reveal.equals("card")) {
      throw new BadInput("bad_reveal", "reveal can only be card (the card number and birthdate in clear).");
    }
    return reveal != null;
  }

  /**
   * The member view. Card symbol, number and birthdate together are the issued password
   * ({@code password.issuedRule}), so by default the number shows only its last two characters and
   * the birthdate only its year; {@code revealCard} (audited) gives them in clear.
   */
  public static JsonObject describe(Member member, boolean revealCard) {
    return new JsonObject()
        .put("id", member.id())
        .put("userId", member.loginId())
        .put("name", member.name())
        .put("email", member.email())
        .put("symbol", member.cardSymbol())
        .put("number", revealCard ? member.cardNumber() : masked(member.cardNumber()))
        .put("birthdate", revealCard ? member.birthdate().toString() : member.birthdate().getYear() + "-**-**")
        .put("cardRevealed", revealCard)
        .put("onboardingState", member.onboardingState().code())
        .put("passwordMustChange", member.passwordMustChange())
        .put("lastLoginAt", member.lastLoginAt() == null ? null : member.lastLoginAt().toString())
        .put("active", !member.deactivated())
        .put("deactivatedAt", member.deactivated() ? member.deactivatedAt().toString() : null);
  }

  private static String masked(String number) {
    int shown = Math.min(2, number.length() / 3);
    return "*".repeat(number.length() - shown) + number.substring(number.length() - shown);
  }

  private Future<Void> audited(RoutingContext ctx, Long memberId, String loginId, String kind, String outcome, JsonObject detail) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    return audit.record(AdminAuth.named(ctx, AuditEvent.of(memberId, loginId, kind, outcome, client)).with(detail));
  }
}
