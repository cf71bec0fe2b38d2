package dev.sekisho.login;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * The limit on mail a member or a client address can make the gateway send (confirmation links,
 * their resends and address changes, email OTP resends), on top of each flow's own cooldown. It
 * counts in the shared throttle table ({@code send:<member id>}, {@code send-ip:<address>}), so
 * every gateway process counts together. Taking a send is one statement per subject: the count
 * goes up and the answer says whether it is still within the hourly allowance, so two processes
 * racing cannot both squeeze past the last one.
 */
public final class SendLimit {
  private static final Duration HOUR = Duration.ofHours(1);

  private final LoginThrottle throttle;
  private final int perMember;
  private final int perAddress;

  public SendLimit(LoginThrottle throttle, int perMember, int perAddress) {
    this.throttle = throttle;
    this.perMember = perMember;
    this.perAddress = perAddress;
  }

  /**
   * Counts one mail about to be sent; true when it may go. The (max+1)-th within the hour locks the
   * subject for the rest of an hour; no back-off (a send is not a guess).
   *
   * @param memberId the member, or null to count only the address
   * @param ip the client address, or null to count only the member
   */
  public Future<Boolean> take(Long memberId, String ip) {
    Future<Boolean> byMember = memberId == null ? Future.succeededFuture(false)
        : throttle.recordFailure("send:" + memberId, perMember + 1, HOUR, HOUR, Integer.MAX_VALUE);
    Future<Boolean> byAddress = ip == null ? Future.succeededFuture(false)
        : throttle.recordFailure("send-ip:" + ip, perAddress + 1, HOUR, HOUR, Integer.MAX_VALUE);
    return Future.all(byMember, byAddress).map(all -> !byMember.result() && !byAddress.result());
  }
}
