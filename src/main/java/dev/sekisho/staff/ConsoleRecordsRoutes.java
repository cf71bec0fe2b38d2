package dev.sekisho.staff;

import dev.sekisho.audit.AuditQuery;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.member.LoginIds;
import dev.sekisho.web.Pages;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The console's read-only records: the audit log (filters, paging, CSV export), the locks now and
 * the undelivered mail, from the services the JSON API reads ({@link AuditQuery},
 * {@link LoginThrottle#locked}, {@link MailOutbox#undelivered}). Reading them is audited too.
 */
final class ConsoleRecordsRoutes {
  static final String AUDIT = StaffPaths.CONSOLE + "/audit";
  static final String AUDIT_CSV = StaffPaths.CONSOLE + "/audit.csv";
  static final String LOCKS = StaffPaths.CONSOLE + "/locks";
  static final String MAIL = StaffPaths.CONSOLE + "/mail";
  /** Dates typed in the console are the insurer's days. */
  static final ZoneId INSURER_ZONE = ZoneId.of("Asia/Tokyo");
  private static final int PAGE_SIZE = 50;
  private static final int CSV_MAX = 10_000;

  private final AuditQuery auditQuery;
  private final LoginThrottle throttle;
  private final MailOutbox outbox;
  private final StaffGuard guard;
  private final StaffAudit audit;
  private final Pages pages;

  ConsoleRecordsRoutes(AuditQuery auditQuery, LoginThrottle throttle, MailOutbox outbox, StaffGuard guard, StaffAudit audit,
                       Pages pages) {
    this.auditQuery = auditQuery;
    this.throttle = throttle;
    this.outbox = outbox;
    this.guard = guard;
    this.audit = audit;
    this.pages = pages;
  }

  void mount(Router router) {
    router.get(AUDIT).handler(guard.require(Permission.READ)).handler(ctx -> auditLog(ctx, false));
    router.get(AUDIT_CSV).handler(guard.require(Permission.READ)).handler(ctx -> auditLog(ctx, true));
    router.get(LOCKS).handler(guard.require(Permission.READ)).handler(this::locks);
    router.get(MAIL).handler(guard.require(Permission.READ)).handler(this::mail);
  }

  /** The filters as typed (for the form and the links) and as the query takes them; null when one is malformed. */
  private record Query(JsonObject typed, AuditQuery.Filter filter, String staff, int page, String link) {}

  private static Query query(RoutingContext ctx) {
    JsonObject typed = new JsonObject();
    String userId = param(ctx, "userId", 64, typed);
    String staff = param(ctx, "staffId", 64, typed);
    String kind = param(ctx, "kind", 64, typed);
    String from = param(ctx, "from", 10, typed);
    String to = param(ctx, "to", 10, typed);
    String pageText = ctx.request().getParam("page");
    try {
      OffsetDateTime fromAt = from == null ? null : LocalDate.parse(from).atStartOfDay(INSURER_ZONE).toOffsetDateTime();
      OffsetDateTime toAt = to == null ? null : LocalDate.parse(to).plusDays(1).atStartOfDay(INSURER_ZONE).toOffsetDateTime();
      int page = pageText == null ? 1 : Integer.parseInt(pageText);
      if (page < 1 || page > 10_000) {
        return null;
      }
      StringBuilder link = new StringBuilder();
      typed.forEach(e -> link.append('&').append(e.getKey()).append('=')
          .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8)));
      return new Query(typed, new AuditQuery.Filter(userId == null ? null : LoginIds.normalize(userId), kind, null, fromAt,
          toAt), staff, page, link.toString());
    } catch (DateTimeParseException | NumberFormatException e) {
      return null;
    }
  }

  private static String param(RoutingContext ctx, String name, int max, JsonObject typed) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    String text = value.strip();
    if (text.length() > max) {
      text = text.substring(0, max);
    }
    typed.put(name, text);
    return text;
  }

  private void auditLog(RoutingContext ctx, boolean csv) {
    Query query = query(ctx);
    if (query == null) {
      pages.render(ctx, 400, "console-audit", StaffGuard.model(ctx).put("error", "staff.audit.badFilter"));
      return;
    }
    int page = csv ? 1 : query.page();
    auditQuery.search(query.filter(), query.staff(), page, csv ? CSV_MAX : PAGE_SIZE).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonArray events = found.result().getJsonArray("events");
      StaffMember staff = StaffGuard.staff(ctx);
      audit.record(audit.event(ctx, staff.id(), null, null, csv ? "admin.audit.export" : "admin.audit.search", "ok",
          query.typed().copy().put("found", events.size()))).onComplete(v -> {
            if (csv) {
              pages.afterSessionStored(ctx, () -> ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
                  .putHeader("Content-Disposition", "attachment; filename=\"sekisho-audit.csv\"")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .end(AuditCsv.of(events)));
              return;
            }
            boolean more = found.result().getBoolean("more");
            JsonObject model = StaffGuard.model(ctx).put("filter", query.typed()).put("events", events)
                .put("page", page).put("csvLink", AUDIT_CSV + "?" + trim(query.link()));
            if (page > 1) {
              model.put("previous", AUDIT + "?page=" + (page - 1) + query.link());
            }
            if (more) {
              model.put("next", AUDIT + "?page=" + (page + 1) + query.link());
            }
            pages.render(ctx, "console-audit", model);
          });
    });
  }

  private static String trim(String link) {
    return link.startsWith("&") ? link.substring(1) : link;
  }

  private void locks(RoutingContext ctx) {
    throttle.locked().onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      JsonArray locks = found.result();
      locks.forEach(l -> {
        JsonObject lock = (JsonObject) l;
        String subject = lock.getString("subject", "");
        lock.put("what", subject.substring(0, Math.max(0, subject.indexOf(':'))))
            .put("who", subject.substring(subject.indexOf(':') + 1));
        if (subject.startsWith("id:")) {
          lock.put("path", ConsoleMemberRoutes.memberPath(subject.substring(3)));
        }
      });
      audit.record(audit.event(ctx, StaffGuard.staff(ctx).id(), null, null, "admin.locks.list", "ok", null))
          .onComplete(v -> pages.render(ctx, "console-locks", StaffGuard.model(ctx).put("locks", locks)));
    });
  }

  private void mail(RoutingContext ctx) {
    outbox.undelivered(1000).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
        return;
      }
      audit.record(audit.event(ctx, StaffGuard.staff(ctx).id(), null, null, "admin.mail.undelivered", "ok", null))
          .onComplete(v -> pages.render(ctx, "console-mail", StaffGuard.model(ctx).put("mails", found.result())));
    });
  }
}
