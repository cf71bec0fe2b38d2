package dev.sekisho.login;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.LoginIds;
import dev.sekisho.member.Member;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.notify.Notice;
import dev.sekisho.notify.NoticeContext;
import dev.sekisho.notify.SecurityNotices;
import io.vertx.core.Future;

import java.util.List;

/**
 * The ID + password step (J1.1). An unknown ID costs the same work as a known one (one lookup and
 * one Argon2id verification against a decoy hash) and fails the same way, counted against the
 * same kind of limit, so neither the answer nor its timing tells whether the ID exists.
 */
public final class LoginService {
  /** Longer input is refused without hashing it: Argon2 of megabytes would be a cheap DoS. */
  static final int MAX_PASSWORD_LENGTH = 1024;

  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final MemberRepository members;
  private final AuditLog audit;
  private final LoginSettings settings;
  private final AfterPassword afterPassword;
  private final PasswordFloor passwordFloor;
  private final SecurityNotices notices;

  /** @param notices tells a member whose ID a wrong password just locked (once per lock) */
  public LoginService(PasswordHasher hasher, LoginThrottle throttle, MemberRepository members, AuditLog audit,
                      LoginSettings settings, AfterPassword afterPassword, PasswordFloor passwordFloor,
                      SecurityNotices notices) {
    this.notices = notices;
    this.afterPassword = afterPassword;
    this.passwordFloor = passwordFloor;
    this.hasher = hasher;
    this.throttle = throttle;
    this.members = members;
    this.audit = audit;
    this.settings = settings;
  }

  public Future<LoginResult> login(String typedId, String password, AuditEvent.Client client) {
    String loginId = LoginIds.normalize(typedId);
    String candidate = password == null || password.length() > MAX_PASSWORD_LENGTH ? "" : password;
    String idSubject = LoginThrottle.idSubject(loginId);
    String ipSubject = LoginThrottle.ipSubject(client.ip());
    // The lock test and the member in one round trip; the password is checked even when locked, so
    // a locked ID costs the same time as any other.
    String lookupId = LoginIds.isAcceptable(loginId) ? loginId : null;
    return throttle.anyLockedAndMember(List.of(idSubject, ipSubject), lookupId).compose(found -> {
      boolean locked = found.locked();
      Member member = found.member();
      return hasher.verify(candidate, member == null ? null : member.passwordHash())
          .compose(matches -> {
            if (locked) {
              return finish(member, loginId, LoginResult.Outcome.LOCKED, client);
            }
            if (matches && !candidate.isEmpty() && member.deactivated()) {
              return finish(member, loginId, LoginResult.Outcome.DEACTIVATED, client);
            }
            if (matches && !candidate.isEmpty()) {
              return afterPassword.next(member).compose(next -> {
                if (next == null) {
                  return finish(member, loginId, LoginResult.Outcome.SETUP_EXPIRED, client);
                }
                return passwordFloor.check(member, candidate.length()).compose(current -> {
                  // Independent writes go out together: the throttle's clear, the login time (the
                  // member table's owner writes it) and the audit event.
                  Future<Void> cleared = throttle.clear(idSubject);
                  Future<Void> recorded = members.recordLogin(member.id());
                  Future<LoginResult> audited = finish(current, loginId, LoginResult.Outcome.SUCCESS, client);
                  return Future.all(cleared, recorded, audited)
                      .map(all -> new LoginResult(LoginResult.Outcome.SUCCESS, current, next));
                });
              });
            }
            return countFailure(idSubject, member, client)
                .compose(nowLocked -> finish(member, loginId,
                    nowLocked ? LoginResult.Outcome.LOCKED : LoginResult.Outcome.INVALID, client));
          });
    });
  }

  /**
   * Counts a wrong password. The failure that locks a member's ID tells the member (a locked address
   * is many members' or none's: nobody to tell).
   */
  private Future<Boolean> countFailure(String idSubject, Member member, AuditEvent.Client client) {
    Future<Boolean> byId = throttle.recordFailure(idSubject, settings.maxFailures(), settings.lock(), settings.lock());
    Future<Boolean> byIp = throttle.recordAddressFailure(client.ip());
    return Future.all(byId, byIp).compose(all -> {
      boolean locked = byId.result() || byIp.result();
      if (!byId.result() || member == null) {
        return Future.succeededFuture(locked);
      }
      return notices.send(member.id(), Notice.ACCOUNT_LOCKED, NoticeContext.from(client)).map(locked);
    });
  }

  private Future<LoginResult> finish(Member member, String loginId, LoginResult.Outcome outcome, AuditEvent.Client client) {
    Long memberId = member == null ? null : member.id();
    return audit.record(AuditEvent.of(memberId, loginId, "login.password", outcome.name().toLowerCase(), client))
        .map(v -> outcome == LoginResult.Outcome.SUCCESS ? new LoginResult(outcome, member) : LoginResult.of(outcome));
  }
}
