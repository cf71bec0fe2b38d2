package dev.sekisho.otp;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * How the email-OTP code leaves: written to the mail outbox inside the transaction that stores the
 * code (so a code exists exactly when its mail does), then handed to SMTP at once after commit
 * instead of waiting for the outbox poll. Implemented over the mail package.
 */
public interface OtpMailer {
  /** Writes the mail in the caller's transaction; returns what {@link #sendNow} needs. */
  Future<Long> enqueue(SqlClient tx, String from, String to, String subject, String text);

  /** After commit: deliver this outbox entry now (failures are left to the outbox's retries). */
  void sendNow(long outboxId);
}
