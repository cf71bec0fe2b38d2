package dev.sekisho.mail;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/**
 * The {@code mail} section. mode "embedded" starts the in-process SMTP catcher (default run, dev
 * mailbox page on); "relay" sends to the configured SMTP relay (production).
 */
public record MailSettings(boolean embedded, String host, int port, String starttls, String username, String password,
                           String fromName, String fromAddress, int maxAttempts, Duration retryBase, Duration retryMax,
                           Duration poll, Duration sendTimeout) {

  public static MailSettings from(ConfigReader config) {
    String mode = config.requiredString("mail.mode");
    if (!mode.equals("embedded") && !mode.equals("relay")) {
      throw config.error("mail.mode", "must be embedded or relay", mode);
    }
    String starttls = config.requiredString("mail.starttls");
    if (!starttls.equals("disabled") && !starttls.equals("optional") && !starttls.equals("required")) {
      throw config.error("mail.starttls", "must be disabled, optional or required", starttls);
    }
    String from = config.requiredString("mail.fromAddress");
    if (!from.matches("[^@\\s<>]+@[^@\\s<>]+")) {
      throw config.error("mail.fromAddress", "must be a plain address like no-reply@example.jp", from);
    }
    boolean embedded = mode.equals("embedded");
    String host = config.string("mail.host");
    if (!embedded && host.isEmpty()) {
      throw config.error("mail.host", "must be set when mail.mode is relay", host);
    }
    int port = config.integer("mail.port", 0, 65535);
    if (!embedded && port == 0) {
      throw config.error("mail.port", "must be set when mail.mode is relay", port);
    }
    return new MailSettings(embedded, host, port, starttls,
        config.string("mail.username"), config.string("mail.password"), config.requiredString("mail.fromName"), from,
        config.integer("mail.maxAttempts", 1, 100),
        Duration.ofSeconds(config.integer("mail.retryBaseSeconds", 1, 3600)),
        Duration.ofSeconds(config.integer("mail.retryMaxSeconds", 1, 24 * 3600)),
        Duration.ofMillis(config.integer("mail.pollMillis", 100, 600_000)),
        // A relay that accepts the connection and never answers must not hold a mail (or the
        // connection pool) forever: the attempt fails after this and is retried with backoff.
        // At most 240 s: a claim lasts 5 minutes, and the attempt must settle before it expires.
        Duration.ofSeconds(config.integer("mail.sendTimeoutSeconds", 1, 240)));
  }

  /** Exponential backoff after the given number of failed attempts (1, 2, ...), capped. */
  public Duration backoff(int failedAttempts) {
    long seconds = retryBase.toSeconds() << Math.min(20, Math.max(0, failedAttempts - 1));
    return Duration.ofSeconds(Math.min(seconds, retryMax.toSeconds()));
  }
}
