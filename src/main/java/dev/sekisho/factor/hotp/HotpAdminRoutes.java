package dev.sekisho.factor.hotp;

import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.admin.AdminAuth;
import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.LoginIds;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.Method;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import dev.sekisho.web.FormBodies;

import java.util.HexFormat;

/**
 * The insurer assigns and unassigns HOTP hardware tokens (admin API, admin token):
 * {@code PUT /sekisho/admin/api/members/:userId/hotp {serial, secret | secretHex | secretBase32, counter, digits?, algorithm?}}
 * and {@code DELETE} the same path. Mounted before the admin API's catch-all.
 */
public final class HotpAdminRoutes {
  private static final String PATH = Paths.ADMIN_API + "/members/:userId/hotp";

  private final HotpService hotp;
  private final MemberRepository members;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final AdminAuth auth;
  private final SecurityNotices notices;

  public HotpAdminRoutes(HotpService hotp, MemberRepository members, AuditLog audit, ClientAddress clientAddress, AdminAuth auth,
                         SecurityNotices notices) {
    this.notices = notices;
    this.hotp = hotp;
    this.members = members;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.route(PATH).handler(auth);
    router.route(PATH).handler(FormBodies.limitedTo(16 * 1024));
    router.put(PATH).handler(this::assign);
    router.post(PATH).handler(this::assign);
    router.delete(PATH).handler(this::unassign);
  }

  private void assign(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      Pages.json(ctx, 400, "bad_json", "Send a JSON object {serial, secret, counter}.");
      return;
    }
    String serial = body.getValue("serial") instanceof String s ? s.trim() : null;
    String secretText = body.getValue("secret") instanceof String s ? s.trim() : null;
    Object counterValue = body.getValue("counter", 0);
    Object digitsValue = body.getValue("digits", 6);
    String algorithmText = body.getValue("algorithm", "SHA1") instanceof String s ? s : "";
    if (serial == null || serial.isEmpty() || serial.length() > 64) {
      Pages.json(ctx, 400, "bad_serial", "serial must be 1-64 characters.");
      return;
    }
    // "secretHex"/"secretBase32" say the encoding; plain "secret" is read as hex when it looks like hex.
    byte[] secret;
    if (body.getValue("secretHex") instanceof String hex && hex.replaceAll("[\\s:-]", "").matches("(?i)([0-9a-f]{2})+")) {
      secret = HexFormat.of().parseHex(hex.replaceAll("[\\s:-]", "").toLowerCase());
    } else if (body.getValue("secretBase32") instanceof String b32) {
      secret = Base32Text.decode(b32);
    } else {
      secret = secretText == null ? null : parseSecret(secretText);
    }
    if (secret == null || secret.length < 10 || secret.length > 64) {
      Pages.json(ctx, 400, "bad_secret", "secret must be hex or base32, 10 to 64 bytes.");
      return;
    }
    if (!(counterValue instanceof Number counter) || counter.longValue() < 0) {
      Pages.json(ctx, 400, "bad_counter", "counter must be a whole number >= 0.");
      return;
    }
    if (!(digitsValue instanceof Number digits) || digits.intValue() < 6 || digits.intValue() > 8) {
      Pages.json(ctx, 400, "bad_digits", "digits must be 6, 7 or 8.");
      return;
    }
    OtpAlgorithm algorithm;
    try {
      algorithm = OtpAlgorithm.parse(algorithmText);
    } catch (IllegalArgumentException e) {
      Pages.json(ctx, 400, "bad_algorithm", "algorithm must be SHA1, SHA256 or SHA512.");
      return;
    }
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    members.findByLoginId(loginId).compose(member -> {
      if (member == null) {
        Pages.json(ctx, 404, "no_member", "No member with this user ID.");
        return io.vertx.core.Future.succeededFuture();
      }
      return hotp.assign(member.id(), serial, secret, counter.longValue(), algorithm, digits.intValue()).compose(result -> {
        boolean ok = result == HotpService.AssignResult.ASSIGNED;
        return audit.record(AdminAuth.named(ctx, AuditEvent.of(member.id(), member.loginId(), "admin.hotp.assign",
                    ok ? "ok" : "serial_in_use", client(ctx))).with(new JsonObject().put("serial", serial)))
            .compose(v -> ok ? told(member.id(), Notice.METHOD_ADDED) : io.vertx.core.Future.<Void>succeededFuture())
            .onComplete(v -> {
              if (ok) {
                Pages.json(ctx, 200, new JsonObject().put("userId", member.loginId()).put("serial", serial)
                    .put("counter", counter.longValue()).put("digits", digits.intValue()).put("algorithm", algorithm.name()));
              } else {
                Pages.json(ctx, 409, "serial_in_use", "This token serial is assigned to another member.");
              }
            });
      });
    }).onFailure(ctx::fail);
  }

  private void unassign(RoutingContext ctx) {
    String loginId = LoginIds.normalize(ctx.pathParam("userId"));
    members.findByLoginId(loginId).compose(member -> {
      if (member == null) {
        Pages.json(ctx, 404, "no_member", "No member with this user ID.");
        return io.vertx.core.Future.succeededFuture();
      }
      return hotp.unassign(member.id()).compose(removed -> audit.record(AdminAuth.named(ctx,
              AuditEvent.of(member.id(), member.loginId(), "admin.hotp.unassign", removed ? "ok" : "none", client(ctx))))
          .compose(v -> removed ? told(member.id(), Notice.METHOD_REMOVED) : io.vertx.core.Future.<Void>succeededFuture())
          .onComplete(v -> {
            if (removed) {
              Pages.json(ctx, 200, new JsonObject().put("userId", member.loginId()).put("unassigned", true));
            } else {
              Pages.json(ctx, 404, "no_token", "This member has no token.");
            }
          }));
    }).onFailure(ctx::fail);
  }

  /** The member hears of a token given or taken by the insurer as of any change of their methods. */
  private io.vertx.core.Future<Void> told(long memberId, Notice notice) {
    return notices.send(memberId, notice, NoticeContext.byTheInsurer().withMethod(Method.HOTP.code()));
  }

  private AuditEvent.Client client(RoutingContext ctx) {
    return new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
  }

  /** Hex (even length, 0-9a-f) or base32. */
  static byte[] parseSecret(String text) {
    String compact = text.replaceAll("[\\s:-]", "");
    if (compact.matches("(?i)([0-9a-f]{2})+")) {
      return HexFormat.of().parseHex(compact.toLowerCase());
    }
    return Base32Text.decode(compact);
  }
}
