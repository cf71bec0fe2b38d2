package dev.sekisho.gateway;

import dev.sekisho.audit.AuditQuery;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.DeviceWords;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SessionListRoutes;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The member's account page: who they are and their recent logins, so they can spot one that was not theirs. */
public final class AccountRoutes {
  public static final String ACCOUNT = Paths.PREFIX + "/account";
  static final int RECENT_LOGINS = 10;
  /** Members read times in Japan time, as the insurer's letters do. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneId.of("Asia/Tokyo"));

  private final MemberRepository members;
  private final AuditQuery audit;
  private final SessionListRoutes sessions;
  private final Pages pages;

  public AccountRoutes(MemberRepository members, AuditQuery audit, SessionListRoutes sessions, Pages pages) {
    this.members = members;
    this.audit = audit;
    this.sessions = sessions;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get(ACCOUNT).handler(this::show);
  }

  private void show(RoutingContext ctx) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null || MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, Paths.LOGIN);
      return;
    }
    DeviceWords.Phrasing phrasing = SessionListRoutes.phrasing(pages, pages.i18n().language(ctx));
    members.findById(memberId).compose(member -> audit.recentLogins(memberId, RECENT_LOGINS).compose(events ->
        DeviceWords.parseAll(ctx.vertx(), events.stream().map(e -> e.getString("userAgent")).toList()).map(devices -> {
      if (member == null) {
        return null;
      }
      JsonArray logins = new JsonArray();
      for (JsonObject event : events) {
        logins.add(new JsonObject()
            .put("at", TIME.format(java.time.OffsetDateTime.parse(event.getString("at"))))
            .put("kind", event.getString("kind").substring("login.".length()))
            .put("outcome", event.getString("outcome"))
            .put("ok", "success".equals(event.getString("outcome")))
            .put("ip", event.getString("ip"))
            .put("device", phrasing.words(DeviceWords.of(devices, event.getString("userAgent"))))
            .put("userAgent", event.getString("userAgent")));
      }
      return new JsonObject().put("name", member.name()).put("userId", member.loginId()).put("email", member.email())
          .put("method", MemberSession.method(ctx.session())).put("logins", logins);
    }))).compose(model -> model == null ? io.vertx.core.Future.succeededFuture((JsonObject) null)
        : sessions.rows(ctx, memberId).map(rows -> model.put("sessions", rows)
            .put("otherSessions", rows.stream().anyMatch(r -> !((JsonObject) r).getBoolean("current")))
            .put("notice", SessionListRoutes.notice(ctx.request().getParam("sessions")))))
    .onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        ctx.session().destroy();
        pages.redirect(ctx, Paths.LOGIN);
      } else {
        pages.render(ctx, "account", result.result());
      }
    });
  }
}
