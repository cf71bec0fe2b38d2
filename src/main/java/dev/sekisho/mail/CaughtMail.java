package dev.sekisho.mail;

import java.time.Instant;

/**
 * A mail the in-process SMTP server received, decoded for display. from and to are the SMTP
 * envelope addresses; fromHeader is the decoded From header (sender name and address).
 */
public record CaughtMail(long number, Instant receivedAt, String from, String to, String fromHeader, String subject,
                         String body) {
}
