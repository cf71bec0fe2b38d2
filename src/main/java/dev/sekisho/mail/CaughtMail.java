package dev.sekisho.mail;

import java.time.Instant;

/** A mail the in-process SMTP server received, decoded for display. */
public record CaughtMail(long number, Instant receivedAt, String from, String to, String subject, String body) {
}
