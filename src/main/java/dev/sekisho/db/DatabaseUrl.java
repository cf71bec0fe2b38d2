package dev.sekisho.db;

import dev.sekisho.config.ConfigException;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code db.url} as libpq writes it ({@code postgresql://user:password@host:5432/db?sslmode=require}).
 * Every parameter both the reactive client and pgJDBC understand is kept; any other is refused by
 * name (one was once dropped in silence: {@code sslmode=require} connected in clear).
 */
record DatabaseUrl(PgConnectOptions options, String sslMode, String sslRootCert, Map<String, String> session) {
  /** Parameters that set the session (the same name for the server in both clients' terms). */
  private static final Set<String> SESSION = Set.of("application_name", "search_path", "options");
  private static final Set<String> CONNECTION = Set.of("host", "port", "user", "password", "dbname", "sslmode", "sslrootcert");
  private static final String SHAPE = "must look like postgresql://user:password@host:5432/database";

  static DatabaseUrl parse(String url) {
    int query = url.indexOf('?');
    String sslMode = "";
    String rootCert = "";
    Map<String, String> session = new LinkedHashMap<>();
    StringBuilder forClient = new StringBuilder(query < 0 ? url : url.substring(0, query));
    if (query >= 0) {
      char separator = '?';
      for (String pair : url.substring(query + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        if (!CONNECTION.contains(name) && !SESSION.contains(name)) {
          throw error("has parameter '" + name + "', which Sekisho does not pass on; it understands "
              + String.join(", ", new java.util.TreeSet<>(union())));
        }
        switch (name) {
          case "sslmode" -> sslMode = value;
          case "sslrootcert" -> rootCert = value;
          default -> {
            if (SESSION.contains(name)) {
              session.put(name, value);
            }
            // The client reads host, port, user, password and dbname itself; sslrootcert it does not know.
            forClient.append(separator).append(pair);
            separator = '&';
          }
        }
      }
    }
    try {
      return new DatabaseUrl(PgConnectOptions.fromUri(forClient.toString()), sslMode, rootCert, Map.copyOf(session));
    } catch (RuntimeException e) {
      throw error(SHAPE);
    }
  }

  private static Set<String> union() {
    Set<String> all = new java.util.HashSet<>(CONNECTION);
    all.addAll(SESSION);
    return all;
  }

  private static ConfigException error(String problem) {
    return new ConfigException("Configuration error: db.url (SEKISHO_DB_URL) " + problem);
  }
}
