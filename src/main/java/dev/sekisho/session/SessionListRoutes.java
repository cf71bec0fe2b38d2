package dev.sekisho.session;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.web.ClientAddress;
import dev.sekisho.web.FormInput;
import dev.sekisho.web.Pages;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The member's own sessions on the account page (ASVS 3.3.4): each live one with its device and
 * browser in words, the address it signed in from, its start and last use; ending one of the
 * others, or all of them. Sessions live only in PostgreSQL and every request reads its own, so an
 * ended session is refused on its next request in every gateway process, the portal's included.
 */
public final class SessionListRoutes {
  public static final String END = Paths.PREFIX + "/account/sessions/end";
  public static final String END_OTHERS = Paths.PREFIX + "/account/sessions/end-others";
  /** Where the forms come back to: the account page's sessions section. */
  private static final String BACK = Paths.PREFIX + "/account";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Tokyo"));

  private final Pool pool;
  private final PgSessionStore store;
  private final AuditLog audit;
  private final ClientAddress clientAddress;
  private final Pages pages;

  public SessionListRoutes(Pool pool, PgSessionStore store, AuditLog audit, ClientAddress clientAddress, Pages pages) {
    this.pool = pool;
    this.store = store;
    this.audit = audit;
    this.clientAddress = clientAddress;
    this.pages = pages;
  }

  public void mount(Router router) {
    router.post(END).handler(this::endOne);
    router.post(END_OTHERS).handler(this::endOthers);
  }

  /** The rows of the account page's sessions section, in the page's language. */
  public Future<JsonArray> rows(RoutingContext ctx, long memberId) {
    String lang = pages.i18n().language(ctx);
    DeviceWords.Phrasing phrasing = phrasing(pages, lang);
    return MemberSessions.list(pool, memberId, ctx.session().id(), store.absoluteSeconds())
        .compose(sessions -> DeviceWords.parseAll(ctx.vertx(), sessions.stream().map(MemberSessions.Live::userAgent).toList())
            .map(devices -> {
              JsonArray rows = new JsonArray();
              for (MemberSessions.Live live : sessions) {
                rows.add(new JsonObject().put("ref", live.ref()).put("current", live.current())
                    .put("device", phrasing.words(DeviceWords.of(devices, live.userAgent())))
                    .put("address", live.address()).put("started", time(live.startedAt()))
                    .put("lastUsed", time(live.lastUsedAt())));
              }
              return rows;
            }));
  }

  /** How the page's language puts a device in words (also for the recent-logins table). */
  public static DeviceWords.Phrasing phrasing(Pages pages, String lang) {
    return DeviceWords.phrasing(pages.i18n(), lang);
  }

  private void endOne(RoutingContext ctx) {
    Long memberId = signedIn(ctx);
    if (memberId == null) {
      return;
    }
    String raw = FormInput.field(ctx, "ref", 20);
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      pages.redirect(ctx, BACK + "?sessions=gone#sessions");
      return;
    }
    MemberSessions.endOther(pool, memberId, Long.parseLong(raw), ctx.session().id())
        .compose(ended -> record(ctx, memberId, "session.end", ended ? "ok" : "gone").map(ended))
        .onSuccess(ended -> pages.redirect(ctx, BACK + (ended ? "?sessions=ended" : "?sessions=gone") + "#sessions"))
        .onFailure(ctx::fail);
  }

  private void endOthers(RoutingContext ctx) {
    Long memberId = signedIn(ctx);
    if (memberId == null) {
      return;
    }
    MemberSessions.endAllOthers(pool, memberId, ctx.session().id())
        .compose(count -> record(ctx, memberId, "session.endOthers", "ok").map(count))
        .onSuccess(count -> pages.redirect(ctx, BACK + "?sessions=endedOthers#sessions"))
        .onFailure(ctx::fail);
  }

  /** The member of a fully signed-in session; anyone else goes to the login page. */
  private Long signedIn(RoutingContext ctx) {
    Long memberId = MemberSession.memberId(ctx.session());
    if (memberId == null || MemberSession.level(ctx.session()) != MemberSession.Level.COMPLETE) {
      pages.redirect(ctx, Paths.LOGIN);
      return null;
    }
    return memberId;
  }

  private Future<Void> record(RoutingContext ctx, long memberId, String kind, String outcome) {
    AuditEvent.Client client = new AuditEvent.Client(clientAddress.of(ctx), ctx.request().getHeader(HttpHeaders.USER_AGENT));
    return audit.record(AuditEvent.of(memberId, MemberSession.loginId(ctx.session()), kind, outcome, client));
  }

  private static String time(OffsetDateTime at) {
    return at == null ? null : TIME.format(at);
  }

  /** The notice of the account page after one of the forms, or null. */
  public static String notice(String sessionsParam) {
    return sessionsParam == null ? null : switch (sessionsParam) {
      case "ended" -> "account.sessions.ended";
      case "endedOthers" -> "account.sessions.endedOthers";
      case "gone" -> "account.sessions.gone";
      default -> null;
    };
  }
}
