package dev.sekisho.gateway;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.journey.Journey;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.session.GatewaySessionStore;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SessionMember;
import dev.sekisho.web.Paths;
import io.vertx.core.Future;
import io.vertx.ext.web.Session;

/**
 * Decides whether a session may reach the portal. Nothing is cached: the session and its member
 * were just read from PostgreSQL, in one statement, by the portal's session handler
 * ({@link GatewaySessionStore}), so a logout, an ended session or a removed member anywhere takes
 * effect on the very next request, in every gateway process. A session not read that way (one
 * created in this request) has its member read here.
 */
public final class GatewayAccess {
  private final MemberRepository members;
  private final AuditLog audit;

  public GatewayAccess(MemberRepository members, AuditLog audit) {
    this.members = members;
    this.audit = audit;
  }

  /** Either the identity to pass on, or where to send the visitor instead. */
  public record Decision(Identity identity, String redirect) {
    public boolean allowed() {
      return identity != null;
    }
  }

  public Future<Decision> decide(Session session, AuditEvent.Client client, String requested) {
    Long memberId = MemberSession.memberId(session);
    MemberSession.Level level = MemberSession.level(session);
    if (memberId == null || level == MemberSession.Level.NONE) {
      return Future.succeededFuture(new Decision(null, Journey.LOGIN));
    }
    SessionMember read = GatewaySessionStore.member(session);
    if (GatewaySessionStore.memberRead(session) && (read == null || read.id() == memberId)) {
      return decide(memberId, read, level, session, client, requested);
    }
    return members.findById(memberId).compose(member -> decide(memberId, member == null || member.deactivated() ? null
        : new SessionMember(member.id(), member.loginId(), member.name(), member.email(),
            member.onboardingState().code(), member.chosenMethod() == null ? null : member.chosenMethod().code(),
            member.passwordMustChange()), level, session, client, requested));
  }

  private Future<Decision> decide(long memberId, SessionMember member, MemberSession.Level level, Session session,
                                  AuditEvent.Client client, String requested) {
    if (member == null) {
      return denied(memberId, null, "member_gone", client, requested).map(v -> new Decision(null, Journey.LOGIN));
    }
    if (level != MemberSession.Level.COMPLETE) {
      return denied(member.id(), member.loginId(), "journey_incomplete", client, requested)
          .map(v -> new Decision(null, Journey.afterPassword(member.onboardingState(), member.chosenMethod())));
    }
    if (member.passwordMustChange()) {
      // The insurer set this password: the member replaces it before reaching the portal.
      return denied(member.id(), member.loginId(), "password_must_change", client, requested)
          .map(v -> new Decision(null, Paths.PASSWORD_CHANGE));
    }
    return Future.succeededFuture(new Decision(identity(member, session), null));
  }

  private static Identity identity(SessionMember member, Session session) {
    return new Identity(member.id(), member.loginId(), member.name(), member.email(), MemberSession.method(session),
        Identity.sessionHash(session.id()));
  }

  /** Only signed-in members are audited: anonymous visitors would flood the log with nothing to learn. */
  private Future<Void> denied(Long memberId, String loginId, String outcome, AuditEvent.Client client, String requested) {
    String path = requested == null ? null : requested.length() > 200 ? requested.substring(0, 200) : requested;
    return audit.record(AuditEvent.of(memberId, loginId, "gateway.denied", outcome, client)
        .with(new io.vertx.core.json.JsonObject().put("path", path)));
  }
}
