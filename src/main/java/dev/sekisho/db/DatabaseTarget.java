package dev.sekisho.db;

import io.vertx.pgclient.PgConnectOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the database actually is, once the embedded server has started or the external one was
 * named, with the TLS mode and session parameters both clients use.
 */
public record DatabaseTarget(String host, int port, String database, String user, String password,
                             DatabaseTls tls, Map<String, String> session) {

  /** A server reached in clear with no session parameters: the embedded one (loopback), tests. */
  public DatabaseTarget(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, DatabaseTls.OFF, Map.of());
  }

  public static DatabaseTarget of(DatabaseSettings settings) {
    if (!settings.url().isEmpty()) {
      DatabaseUrl url = DatabaseUrl.parse(settings.url());
      PgConnectOptions parsed = url.options();
      return new DatabaseTarget(parsed.getHost(), parsed.getPort(), parsed.getDatabase(),
          parsed.getUser(), parsed.getPassword(), settings.tls(url.sslMode(), url.sslRootCert()), url.session());
    }
    return new DatabaseTarget(settings.host(), settings.port(), settings.database(), settings.user(), settings.password(),
        settings.tls("", ""), Map.of());
  }

  public static DatabaseTarget of(EmbeddedPostgres server) {
    return new DatabaseTarget(server.host(), server.port(), server.database(), server.user(), server.password());
  }

  /** The longest statement the client keeps prepared, in characters: above every statement this code sends. */
  static final int PREPARED_STATEMENT_CACHE_SQL_LIMIT = 32_768;

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        // Each OTP check is one prepared statement; caching saves a parse round trip per request, and
        // PostgreSQL parses and plans a cached (named) statement once per connection instead of for
        // every execution.
        .setCachePreparedStatements(true)
        // The client caches only statements shorter than 2,048 characters by default; the group-commit
        // statements (factor/*/..Batch) are longer, so PostgreSQL parsed and planned each batch anew:
        // a fifth of its CPU under OTP load (issue 15, perf profile in BENCHMARKS.md).
        .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_CACHE_SQL_LIMIT)
        .setPipeliningLimit(256)
        .setSslMode(tls.mode());
    if (tls.mode() != io.vertx.pgclient.SslMode.DISABLE) {
      options.setSslOptions(tls.clientOptions());
    }
    session.forEach(options::addProperty);
    return options;
  }

  public String jdbcUrl() {
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
        .append(database).append('?').append(tls.jdbcParameters());
    // pgJDBC's names for the libpq session parameters.
    Map<String, String> jdbcNames = Map.of("application_name", "ApplicationName", "search_path", "currentSchema", "options", "options");
    session.forEach((name, value) -> url.append('&').append(jdbcNames.get(name)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return url.toString();
  }

  /** For log lines: never the password. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database
        + (tls.mode() == io.vertx.pgclient.SslMode.DISABLE ? "" : " (sslmode " + tls.mode().value + ")");
  }
}
