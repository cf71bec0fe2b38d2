package dev.sekisho.notify;

import dev.sekisho.audit.AuditEvent;

/**
 * Where a change came from, as the notice tells it: the client address and browser of the request
 * that made it, or the insurer (whose staff's address means nothing to a member). method names the
 * second factor added or removed (a Method code, or null); otherAddress is the old address of an
 * email change.
 */
public record NoticeContext(String ip, String userAgent, boolean byInsurer, String method, String otherAddress) {

  /** A change the member's own browser (or someone holding their session or password) made. */
  public static NoticeContext from(AuditEvent.Client client) {
    return new NoticeContext(client == null ? null : client.ip(), client == null ? null : client.userAgent(), false, null, null);
  }

  /** A change the insurer's staff made. */
  public static NoticeContext byTheInsurer() {
    return new NoticeContext(null, null, true, null, null);
  }

  public NoticeContext withMethod(String methodCode) {
    return new NoticeContext(ip, userAgent, byInsurer, methodCode, otherAddress);
  }

  public NoticeContext withOtherAddress(String address) {
    return new NoticeContext(ip, userAgent, byInsurer, method, address);
  }
}
