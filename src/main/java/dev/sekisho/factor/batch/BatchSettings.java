package dev.sekisho.factor.batch;

import dev.sekisho.config.ConfigReader;

/**
 * The {@code otp.batch} section: group commit of concurrent second-factor checks. Checks that
 * arrive within {@code windowMillis} of the first one waiting (or as soon as {@code maxSize} wait)
 * are decided in one statement and one commit; {@code enabled false} decides every check alone.
 */
public record BatchSettings(boolean enabled, int windowMillis, int maxSize) {
  /** Every check alone: tests and tools that build a check without configuration. */
  public static final BatchSettings OFF = new BatchSettings(false, 1, 1);

  public static BatchSettings from(ConfigReader config) {
    return new BatchSettings(config.bool("otp.batch.enabled"),
        config.integer("otp.batch.windowMillis", 1, 1000),
        config.integer("otp.batch.maxSize", 1, 1000));
  }
}
