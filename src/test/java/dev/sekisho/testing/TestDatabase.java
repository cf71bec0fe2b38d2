package dev.sekisho.testing;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.db.Migrations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real embedded PostgreSQL for the whole test JVM, migrated once. Tests isolate themselves by
 * using their own member IDs, not by separate databases, which keeps the suite fast.
 */
public final class TestDatabase {
  private static EmbeddedPostgres server;
  private static DatabaseTarget target;

  private TestDatabase() {}

  public static synchronized DatabaseTarget target() {
    if (target == null) {
      try {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sekisho-test-pg-");
        dir.toFile().setExecutable(true, false);
        dir.toFile().setReadable(true, false);
        server = EmbeddedPostgres.start(dir.resolve("data"), 0, "sekisho");
        target = DatabaseTarget.of(server);
        Migrations.apply(target);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-pg-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  /** Runs one query returning a single number: for assertions on what is stored. */
  public static long queryLong(String sql, Object... params) {
    try (var conn = java.sql.DriverManager.getConnection(target().jdbcUrl(), target().user(), target().password());
         var statement = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (var rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement: to put a member in a given state before a test drives the pages. */
  public static int execute(String sql, Object... params) {
    try (var conn = java.sql.DriverManager.getConnection(target().jdbcUrl(), target().user(), target().password());
         var statement = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      return statement.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** postgresql://user:password@host:port/db for the gateway's db.url. */
  public static String url() {
    DatabaseTarget t = target();
    return "postgresql://" + t.user() + ":" + t.password() + "@" + t.host() + ":" + t.port() + "/" + t.database();
  }
}
