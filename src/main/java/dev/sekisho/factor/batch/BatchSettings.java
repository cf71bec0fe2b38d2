package dev.sekisho.factor.batch;

import dev.sekisho.config.ConfigReader;

/**
 * The {@code otp.batch} section: group commit of concurrent second-factor checks; {@code enabled
 * false} decides every check alone. With {@code adaptive} (the default) a check is sent at once
 * when no batch of its batcher is in flight, and checks arriving while one is in flight are sent
 * together as soon as it completes (or as soon as {@code maxSize} wait). Without it, checks that
 * arrive within {@code windowMillis} of the first one waiting (or as soon as {@code maxSize} wait)
 * are decided together: a fixed window, which the tests use to force batches whatever the
 * machine's speed. {@code maxInFlight} adaptive batches of one batcher may be in flight at once: with
 * more than one, a batch executes while the one before waits for its WAL flush.
 */
public record BatchSettings(boolean enabled, boolean adaptive, int windowMillis, int maxSize, int maxInFlight) {
  /** Every check alone: tests and tools that build a check without configuration. */
  public static final BatchSettings OFF = new BatchSettings(false, true, 1, 1);

  /** One batch in flight at a time. */
  public BatchSettings(boolean enabled, boolean adaptive, int windowMillis, int maxSize) {
    this(enabled, adaptive, windowMillis, maxSize, 1);
  }

  public static BatchSettings from(ConfigReader config) {
    return new BatchSettings(config.bool("otp.batch.enabled"),
        config.bool("otp.batch.adaptive"),
        config.integer("otp.batch.windowMillis", 1, 1000),
        config.integer("otp.batch.maxSize", 1, 1000),
        config.integer("otp.batch.maxInFlight", 1, 16));
  }
}
