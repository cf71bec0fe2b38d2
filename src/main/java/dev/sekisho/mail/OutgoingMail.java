package dev.sekisho.mail;

/** One mail to send. kind names its purpose (for example "email-confirm") for the insurer's view. */
public record OutgoingMail(Long memberId, String kind, String recipient, String subject, String body) {
}
