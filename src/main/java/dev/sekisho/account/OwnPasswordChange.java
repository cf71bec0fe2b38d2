package dev.sekisho.account;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.login.LoginSettings;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Member;
import dev.sekisho.member.OwnCredentials;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import dev.sekisho.onboarding.OnboardingService;
import dev.sekisho.session.MemberSessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * A signed-in member changes their own password (ASVS 2.1.5, 2.1.6): the current password first,
 * then the new one under the J1.8 policy (length, not on the breached/common list, not derived from
 * what the insurer knows, not guessable by nbvcxz). A wrong current password counts exactly like a
 * wrong password at login (same per-ID lock, same address limit): a stolen session must not become
 * a free password-guessing oracle. Argon2id verification and hashing run on the hashing pool.
 */
public final class OwnPasswordChange {
  /** What became of a change; PROBLEM carries a message key. */
  public record Result(Outcome outcome, String problem, int otherSessionsEnded) {
    static Result of(Outcome outcome) {
      return new Result(outcome, null, 0);
    }
  }

  public enum Outcome { CHANGED, WRONG_CURRENT, LOCKED, PROBLEM, STALE }

  private final Pool pool;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final LoginSettings loginSettings;
  private final OnboardingService policy;
  private final SecurityNotices notices;
  private final AuditLog audit;

  public OwnPasswordChange(Pool pool, PasswordHasher hasher, LoginThrottle throttle, LoginSettings loginSettings,
                           OnboardingService policy, SecurityNotices notices, AuditLog audit) {
    this.pool = pool;
    this.hasher = hasher;
    this.throttle = throttle;
    this.loginSettings = loginSettings;
    this.policy = policy;
    this.notices = notices;
    this.audit = audit;
  }

  /**
   * @param sessionId the asking session's id: kept when the member ends their other sessions
   */
  public Future<Result> change(Member member, String current, String next, boolean endOthers, String sessionId,
                               AuditEvent.Client client) {
    String idSubject = LoginThrottle.idSubject(member.loginId());
    return throttle.anyLocked(List.of(idSubject, LoginThrottle.ipSubject(client.ip()))).compose(locked -> {
      if (locked) {
        return record(member, "locked", client).map(Result.of(Outcome.LOCKED));
      }
      return hasher.verify(current, member.passwordHash()).compose(matches -> matches
          ? checked(member, current, next, endOthers, sessionId, client)
          : wrongCurrent(member, idSubject, client));
    });
  }

  private Future<Result> wrongCurrent(Member member, String idSubject, AuditEvent.Client client) {
    Future<Boolean> byId = throttle.recordFailure(idSubject, loginSettings.maxFailures(), loginSettings.lock(), loginSettings.lock());
    Future<Boolean> byIp = throttle.recordAddressFailure(client.ip());
    return Future.all(byId, byIp).compose(all -> {
      Outcome outcome = byId.result() || byIp.result() ? Outcome.LOCKED : Outcome.WRONG_CURRENT;
      Future<Void> told = byId.result() ? notices.send(member.id(), Notice.ACCOUNT_LOCKED, NoticeContext.from(client))
          : Future.succeededFuture();
      return told.compose(v -> record(member, outcome == Outcome.LOCKED ? "locked" : "wrong_current", client))
          .map(Result.of(outcome));
    });
  }

  private Future<Result> checked(Member member, String current, String next, boolean endOthers, String sessionId,
                                 AuditEvent.Client client) {
    if (next.equals(current)) {
      return Future.succeededFuture(new Result(Outcome.PROBLEM, "account.password.sameAsCurrent", 0));
    }
    return policy.passwordProblem(member, next).compose(problem -> problem != null
        ? Future.succeededFuture(new Result(Outcome.PROBLEM, problem, 0))
        : hasher.hash(next).compose(hash -> store(member, hash, endOthers, sessionId, client)));
  }

  private Future<Result> store(Member member, String hash, boolean endOthers, String sessionId, AuditEvent.Client client) {
    Future<Result> stored = pool.withTransaction(tx -> OwnCredentials.replacePassword(tx, member.id(), member.passwordHash(), hash)
        .compose(replaced -> {
          if (!replaced) {
            return Future.succeededFuture(Result.of(Outcome.STALE));
          }
          Future<Integer> ended = endOthers ? MemberSessions.endOthers(tx, member.id(), sessionId) : Future.succeededFuture(0);
          return ended.compose(count -> AuditLog.record(tx, AuditEvent.of(member.id(), member.loginId(), "password.change", "ok", client)
                  .with(new JsonObject().put("by", "member").put("otherSessionsEnded", count)))
              .compose(v -> notices.send(tx, member.id(), Notice.PASSWORD_CHANGED, NoticeContext.from(client)))
              .map(new Result(Outcome.CHANGED, null, count)));
        }));
    // The right current password proves the member: the ID's failure count starts again, as at login.
    return stored.compose(result -> result.outcome() == Outcome.CHANGED
        ? throttle.clear(LoginThrottle.idSubject(member.loginId())).map(result) : Future.succeededFuture(result));
  }

  private Future<Void> record(Member member, String outcome, AuditEvent.Client client) {
    return audit.record(AuditEvent.of(member.id(), member.loginId(), "password.change", outcome, client)
        .with(new JsonObject().put("by", "member")));
  }
}
