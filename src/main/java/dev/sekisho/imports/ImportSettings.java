package dev.sekisho.imports;

import dev.sekisho.config.ConfigReader;

/**
 * The {@code import} section: how many rows one transaction of an import job applies, and how
 * many of its password hashes may be on the hashing pool at once. The pool is the one member
 * logins verify on; a small bound leaves its other threads to them while a large import runs.
 */
public record ImportSettings(int chunkRows, int hashesInFlight) {
  public static ImportSettings from(ConfigReader config) {
    return new ImportSettings(config.integer("import.chunkRows", 10, 5000), config.integer("import.hashesInFlight", 1, 64));
  }
}
