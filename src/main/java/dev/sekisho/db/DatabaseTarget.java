package dev.sekisho.db;

import io.vertx.pgclient.PgConnectOptions;

/** Where the database actually is, once the embedded server has started or the external one was named. */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

  public static DatabaseTarget of(DatabaseSettings settings) {
    if (!settings.url().isEmpty()) {
      PgConnectOptions parsed;
      try {
        parsed = PgConnectOptions.fromUri(settings.url());
      } catch (RuntimeException e) {
        throw new dev.sekisho.config.ConfigException(
            "Configuration error: db.url (SEKISHO_DB_URL) must look like postgresql://user:password@host:5432/database");
      }
      return new DatabaseTarget(parsed.getHost(), parsed.getPort(), parsed.getDatabase(),
          parsed.getUser(), parsed.getPassword());
    }
    return new DatabaseTarget(settings.host(), settings.port(), settings.database(), settings.user(), settings.password());
  }

  public static DatabaseTarget of(EmbeddedPostgres server) {
    return new DatabaseTarget(server.host(), server.port(), server.database(), server.user(), server.password());
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        // Each OTP check is one prepared UPDATE; caching saves a parse round trip per request.
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** For log lines: never the password. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
