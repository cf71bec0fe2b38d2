package dev.sekisho.member;

import dev.sekisho.config.ConfigReader;

/** The {@code password} section: Argon2id cost and the rule for issued passwords. */
public record PasswordSettings(int memoryKiB, int iterations, int parallelism, int hashThreads, int hashNice,
                               String issuedRule) {

  public static PasswordSettings from(ConfigReader config) {
    // OWASP's minimum for Argon2id is m=19 MiB, t=2, p=1; refuse anything weaker.
    int memory = config.integer("password.argon2MemoryKiB", 7168, 4 * 1024 * 1024);
    int iterations = config.integer("password.argon2Iterations", 1, 100);
    int parallelism = config.integer("password.argon2Parallelism", 1, 16);
    int threads = config.integer("password.hashThreads", 0, 256);
    int nice = config.integer("password.hashNice", 0, 19);
    String rule = config.requiredString("password.issuedRule");
    if (!rule.contains("{symbol}") || !rule.contains("{number}") || !rule.contains("{birthdate}")) {
      throw config.error("password.issuedRule", "must contain {symbol}, {number} and {birthdate}", rule);
    }
    return new PasswordSettings(memory, iterations, parallelism,
        threads == 0 ? Runtime.getRuntime().availableProcessors() : threads, nice, rule);
  }
}
