package dev.sekisho.db;

import dev.sekisho.config.ConfigReader;

import java.nio.file.Path;

/** The {@code db} section: an external server (url or host) or, when neither is set, the embedded one. */
public record DatabaseSettings(
    String url, String host, int port, String database, String user, String password,
    int poolSize, int timeoutMs, Path embeddedDataDir, int embeddedPort) {

  public static DatabaseSettings from(ConfigReader config) {
    return new DatabaseSettings(
        config.string("db.url"),
        config.string("db.host"),
        config.integer("db.port", 1, 65535),
        config.requiredString("db.database"),
        config.string("db.user"),
        config.string("db.password"),
        config.integer("db.poolSize", 1, 200),
        config.integer("db.timeoutMs", 100, 600_000),
        Path.of(config.requiredString("db.embedded.dataDir")),
        config.integer("db.embedded.port", 0, 65535));
  }

  public boolean embedded() {
    return url.isEmpty() && host.isEmpty();
  }
}
