package dev.sekisho.staff;

import dev.sekisho.admin.AdminRoutes;
import dev.sekisho.admin.MemberAdmin;
import dev.sekisho.audit.AuditQuery;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Member;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Everything the console's member page shows, from the services the JSON member view uses
 * ({@link AdminRoutes#describe}, {@link LoginThrottle#status}, {@link MemberAdmin#factorsAndSessions},
 * {@link AuditQuery}) plus the chosen method and set-up deadline.
 */
final class MemberView {
  private final Pool pool;
  private final LoginThrottle throttle;
  private final MemberAdmin memberAdmin;
  private final AuditQuery auditQuery;

  MemberView(Pool pool, LoginThrottle throttle, MemberAdmin memberAdmin, AuditQuery auditQuery) {
    this.pool = pool;
    this.throttle = throttle;
    this.memberAdmin = memberAdmin;
    this.auditQuery = auditQuery;
  }

  Future<JsonObject> of(Member member) {
    Future<JsonObject> lock = throttle.status(LoginThrottle.idSubject(member.loginId()))
        .map(s -> s.put("reason", "password").put("byPassword", true));
    Future<JsonObject> codeLock = throttle.status(LoginThrottle.otpSubject(member.id())).map(s -> s.put("reason", "code"));
    Future<JsonObject> more = memberAdmin.factorsAndSessions(member.id());
    Future<JsonObject> setup = pool.preparedQuery("select chosen_method, setup_deadline from member where id = $1")
        .execute(Tuple.of(member.id())).map(rows -> {
          Row row = rows.iterator().next();
          return new JsonObject().put("chosenMethod", row.getString(0))
              .put("setupDeadline", row.getOffsetDateTime(1) == null ? null : row.getOffsetDateTime(1).toString());
        });
    Future<JsonObject> events = auditQuery.search(new AuditQuery.Filter(member.loginId(), null, null, null, null), 1, 20);
    Future<java.util.List<JsonObject>> logins = auditQuery.recentLogins(member.id(), 10);
    return Future.all(java.util.List.of(lock, codeLock, more, setup, events, logins)).map(all -> {
      JsonArray locks = new JsonArray();
      for (JsonObject l : java.util.List.of(lock.result(), codeLock.result())) {
        if (l.getBoolean("locked", false) || l.getBoolean("held", false) || l.getInteger("failures", 0) > 0) {
          locks.add(l);
        }
      }
      return AdminRoutes.describe(member, false).mergeIn(more.result()).mergeIn(setup.result())
          .put("locks", locks).put("events", events.result().getJsonArray("events"))
          .put("logins", new JsonArray(logins.result()));
    });
  }
}
