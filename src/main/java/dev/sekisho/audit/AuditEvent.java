package dev.sekisho.audit;

import io.vertx.core.json.JsonObject;

/** One line of the audit log. memberId is null when the ID typed matched nobody. */
public record AuditEvent(Long memberId, String loginId, String kind, String outcome, String ip, String userAgent,
                         JsonObject detail) {

  public static AuditEvent of(Long memberId, String loginId, String kind, String outcome, Client client) {
    return new AuditEvent(memberId, loginId, kind, outcome, client.ip(), client.userAgent(), null);
  }

  /**
   * Adds detail to what the event carries already: a service that adds its result keeps what the
   * caller put there (the console's {@code staff}, naming who acted).
   */
  public AuditEvent with(JsonObject detail) {
    if (this.detail == null || detail == null) {
      return new AuditEvent(memberId, loginId, kind, outcome, ip, userAgent, detail == null ? this.detail : detail);
    }
    return new AuditEvent(memberId, loginId, kind, outcome, ip, userAgent, this.detail.copy().mergeIn(detail));
  }

  /** Who made the request, as far as we can tell. */
  public record Client(String ip, String userAgent) {
  }
}
