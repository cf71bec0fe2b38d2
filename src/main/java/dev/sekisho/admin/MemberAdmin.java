package dev.sekisho.admin;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.FactorReset;
import dev.sekisho.journey.Actor;
import dev.sekisho.journey.JourneyEngine;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberState;
import dev.sekisho.member.NewPasswordRule;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.session.MemberSessions;
import dev.sekisho.login.LoginThrottle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The insurer's changes to a member. Each is one transaction that also ends the member's sessions
 * where the change means "sign in again", and writes its audit event in the same transaction, so
 * the log never shows a change that did not happen or misses one that did.
 */
public final class MemberAdmin {
  private final Pool pool;
  private final PasswordHasher hasher;
  private final IssuedPasswordRule rule;
  private final NewPasswordRule policy;
  private final SecurityNotices notices;

  /** @param notices tells the member of each reset by mail, in the reset's transaction */
  public MemberAdmin(Pool pool, PasswordHasher hasher, IssuedPasswordRule rule, NewPasswordRule policy,
                     SecurityNotices notices) {
    this.pool = pool;
    this.notices = notices;
    this.hasher = hasher;
    this.rule = rule;
    this.policy = policy;
  }

  /** Deactivate, reactivate and remove (資格喪失), on the same database. */
  public MemberLifecycle lifecycle() {
    return new MemberLifecycle(pool);
  }

  /**
   * Why a password the insurer chose for the member is refused (the members' own policy, J1.8:
   * length, known-weak, derived from the member's data), as the policy's message key; null when
   * acceptable (decided on a worker).
   */
  public Future<String> passwordProblem(Member member, String password) {
    return policy.problem(password, member);
  }

  /** Members by user ID prefix, name part and email part (each optional), by user ID. */
  public Future<JsonObject> search(String idPrefix, String namePart, String emailPart, int page, int size) {
    return search(idPrefix, namePart, emailPart, null, page, size);
  }

  /**
   * As above, also by card number (exact, optional). Each member comes with what the console shows
   * at a glance: the set-up deadline and whether the ID is locked now.
   */
  public Future<JsonObject> search(String idPrefix, String namePart, String emailPart, String cardNumber, int page,
                                   int size) {
    String sql = """
        select m.id, m.login_id, m.name, m.email, m.onboarding_state, m.last_login_at, m.setup_deadline, m.deactivated_at,
          exists (select 1 from login_throttle t where t.subject = 'id:' || m.login_id and
            """ + LoginThrottle.BLOCKED.replace("locked_until", "t.locked_until").replace("wait_until", "t.wait_until")
            .replace("held_since", "t.held_since") + """
            ) as locked
        from member m
        where ($1::text is null or starts_with(m.login_id, $1))
          and ($2::text is null or strpos(m.name, $2) > 0)
          and ($3::text is null or strpos(lower(m.email), lower($3)) > 0)
          and ($6::text is null or m.card_number = $6)
        order by m.login_id limit $4 offset $5
        """;
    return pool.preparedQuery(sql).execute(Tuple.of(idPrefix, namePart, emailPart, size + 1, (long) (page - 1) * size,
            cardNumber))
        .map(rows -> {
          JsonArray found = new JsonArray();
          for (Row row : rows) {
            if (found.size() < size) {
              found.add(new JsonObject().put("id", row.getLong("id")).put("userId", row.getString("login_id"))
                  .put("name", row.getString("name")).put("email", row.getString("email"))
                  .put("onboardingState", row.getString("onboarding_state"))
                  .put("lastLoginAt", row.getOffsetDateTime("last_login_at") == null ? null
                      : row.getOffsetDateTime("last_login_at").toString())
                  .put("setupDeadline", row.getOffsetDateTime("setup_deadline") == null ? null
                      : row.getOffsetDateTime("setup_deadline").toString())
                  .put("locked", row.getBoolean("locked"))
                  .put("active", row.getOffsetDateTime("deactivated_at") == null));
            }
          }
          return new JsonObject().put("page", page).put("size", size).put("members", found).put("more", rows.size() > size);
        });
  }

  /** The methods set up, the live sessions and the set-up deadline, for the member view. */
  public Future<JsonObject> factorsAndSessions(long memberId) {
    Future<String> deadline = pool.preparedQuery("select setup_deadline from member where id = $1")
        .execute(Tuple.of(memberId)).map(rows -> {
          var at = rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0);
          return at == null ? null : at.toString();
        });
    Future<JsonArray> methods = pool.preparedQuery(
            "select method, created_at, last_used_at from member_method where member_id = $1 order by method")
        .execute(Tuple.of(memberId)).map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject().put("method", row.getString(0)).put("createdAt", row.getOffsetDateTime(1).toString())
                .put("lastUsedAt", row.getOffsetDateTime(2) == null ? null : row.getOffsetDateTime(2).toString()));
          }
          return out;
        });
    Future<Integer> sessions = MemberSessions.countActive(pool, memberId);
    return Future.all(methods, sessions, deadline)
        .map(all -> new JsonObject().put("methods", methods.result()).put("activeSessions", sessions.result())
            // Null once a method is set up or when the insurer set none; the extend call moves it.
            .put("setupDeadline", deadline.result()));
  }

  /**
   * Sets a new password the member must change at the next login: the given one, or the issued
   * rule's (symbol + number + birthdate) when none is given. Ends the member's sessions.
   *
   * @return how many sessions were ended
   */
  public Future<Integer> resetPassword(Member member, String givenOrNull, AuditEvent event) {
    String password = givenOrNull != null ? givenOrNull
        : rule.passwordFor(member.cardSymbol(), member.cardNumber(), member.birthdate());
    return hasher.hash(password).compose(hash -> pool.withTransaction(tx -> tx
        .preparedQuery("update member set password_hash = $2, password_must_change = true, updated_at = now() where id = $1")
        .execute(Tuple.of(member.id(), hash))
        .compose(v -> MemberSessions.endAll(tx, member.id()))
        .compose(ended -> AuditLog.record(tx, event.with(new JsonObject()
            .put("to", givenOrNull == null ? "rule" : "given").put("sessionsEnded", ended)))
            .compose(v -> notices.send(tx, member.id(), Notice.PASSWORD_RESET_BY_INSURER, NoticeContext.byTheInsurer()))
            .map(ended))));
  }

  /**
   * Removes every second factor; a member who had finished set-up goes back to it (state
   * 'onboarded'), one still onboarding keeps their place. Ends the member's sessions.
   */
  public Future<JsonObject> resetFactors(Member member, AuditEvent event) {
    return pool.withTransaction(tx -> FactorReset.resetAll(tx, member.id()).compose(removed -> JourneyEngine
        .move(tx, member.id(), MemberState.METHOD_SET_UP, MemberState.ONBOARDED, Actor.INSURER)
        .compose(moved -> MemberSessions.endAll(tx, member.id()).compose(ended -> {
          JsonObject result = new JsonObject().put("methodsRemoved", removed).put("sessionsEnded", ended)
              .put("onboardingState", (moved ? MemberState.ONBOARDED : member.onboardingState()).code());
          Future<Void> told = removed > 0
              ? notices.send(tx, member.id(), Notice.FACTORS_RESET_BY_INSURER, NoticeContext.byTheInsurer())
              : Future.succeededFuture();
          return AuditLog.record(tx, event.with(result)).compose(v -> told).map(result);
        }))));
  }

  /** @return how many sessions were ended */
  public Future<Integer> endSessions(Member member, AuditEvent event) {
    return pool.withTransaction(tx -> MemberSessions.endAll(tx, member.id())
        .compose(ended -> AuditLog.record(tx, event.with(new JsonObject().put("sessionsEnded", ended))).map(ended)));
  }
}
