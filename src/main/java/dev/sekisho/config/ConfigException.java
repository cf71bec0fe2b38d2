package dev.sekisho.config;

/** A configuration value is missing or wrong. Its message is one line naming the key, meant for the operator. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
