package dev.sekisho.login;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.member.Member;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;

import java.util.List;

/**
 * The current password typed again by a signed-in member before a change of their sign-in
 * methods, when they have no code method to prove themselves with (passkeys only). A wrong
 * password counts toward the same limits as at the login, and a locked ID or address is refused
 * here as there: a stolen session cannot guess the password through this form.
 */
public final class PasswordRecheck {
  /** How a recheck ended. */
  public enum Outcome {
    OK,
    WRONG,
    LOCKED
  }

  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final LoginSettings settings;
  private final AuditLog audit;

  public PasswordRecheck(PasswordHasher hasher, LoginThrottle throttle, LoginSettings settings, AuditLog audit) {
    this.hasher = hasher;
    this.throttle = throttle;
    this.settings = settings;
    this.audit = audit;
  }

  public Future<Outcome> check(Member member, String password, AuditEvent.Client client) {
    String idSubject = LoginThrottle.idSubject(member.loginId());
    String candidate = password == null || password.length() > LoginService.MAX_PASSWORD_LENGTH ? "" : password;
    return throttle.anyLocked(List.of(idSubject, LoginThrottle.ipSubject(client.ip()))).compose(locked -> {
      if (locked) {
        return finish(member, Outcome.LOCKED, client);
      }
      return hasher.verify(candidate, member.passwordHash()).compose(matches -> {
        if (matches && !candidate.isEmpty()) {
          return throttle.clear(idSubject).compose(v -> finish(member, Outcome.OK, client));
        }
        Future<Boolean> byId = throttle.recordFailure(idSubject, settings.maxFailures(), settings.lock(), settings.lock());
        Future<Boolean> byIp = throttle.recordAddressFailure(client.ip());
        return Future.all(byId, byIp).compose(all -> finish(member,
            byId.result() || byIp.result() ? Outcome.LOCKED : Outcome.WRONG, client));
      });
    });
  }

  private Future<Outcome> finish(Member member, Outcome outcome, AuditEvent.Client client) {
    return audit.record(AuditEvent.of(member.id(), member.loginId(), "account.reauth.password",
        outcome.name().toLowerCase(), client)).map(outcome);
  }
}
