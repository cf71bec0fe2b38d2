package dev.sekisho.factor.totp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What the OTP services of one gateway process keep in memory, shared by its HTTP verticles: the
 * opened TOTP keys (validated by credential id at every check, so a key re-created on another
 * process is noticed) and the second-step tickets of the JSON API's one-statement check.
 */
public record OtpCaches(ConcurrentHashMap<Long, TotpService.Key> totpKeys, SecondStepTickets tickets) {
  public static OtpCaches create() {
    return new OtpCaches(new ConcurrentHashMap<>(), SecondStepTickets.standard());
  }
}
