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

  /** postgresql://user:password@host:port/db for the gateway's db.url. */
  public static String url() {
    DatabaseTarget t = target();
    return "postgresql://" + t.user() + ":" + t.password() + "@" + t.host() + ":" + t.port() + "/" + t.database();
  }
}
