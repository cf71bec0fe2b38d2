package dev.sekisho.db;

import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Applies the versioned SQL migrations of src/main/resources/db/migration. Blocking: call on a worker. */
public final class Migrations {
  private static final String LOCATION = "db/migration";
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

  private Migrations() {}

  public static int apply(DatabaseTarget target) {
    // Flyway takes most of a restart's time in a fresh JVM (about a second here) even when there is
    // nothing to do: when every migration on the class path is recorded as applied, skip it.
    if (upToDate(target)) {
      return 0;
    }
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:" + LOCATION)
        .loggers("slf4j")
        .load();
    return flyway.migrate().migrationsExecuted;
  }

  /** True when the schema history lists every versioned migration of the class path as applied. */
  static boolean upToDate(DatabaseTarget target) {
    Set<String> known = classpathVersions();
    if (known.isEmpty()) {
      return false;
    }
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
         Statement s = c.createStatement()) {
      try (ResultSet exists = s.executeQuery("select to_regclass('flyway_schema_history') is not null")) {
        if (!exists.next() || !exists.getBoolean(1)) {
          return false;
        }
      }
      Set<String> applied = new HashSet<>();
      boolean failed = false;
      try (ResultSet rows = s.executeQuery("select version, success from flyway_schema_history where version is not null")) {
        while (rows.next()) {
          applied.add(rows.getString(1));
          failed |= !rows.getBoolean(2);
        }
      }
      return !failed && applied.containsAll(known);
    } catch (SQLException e) {
      // Let Flyway connect and report the problem in its own words.
      return false;
    }
  }

  /** The version numbers of the migration files, read from the jar or the classes directory. */
  static Set<String> classpathVersions() {
    URL url = Migrations.class.getClassLoader().getResource(LOCATION);
    if (url == null) {
      return Set.of();
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return versions(jar.getPath("/" + LOCATION));
        }
      }
      return versions(Path.of(uri));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return Set.of();
    }
  }

  private static Set<String> versions(Path dir) throws IOException {
    Set<String> versions = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        Matcher m = VERSIONED.matcher(f.getFileName().toString());
        if (m.matches()) {
          versions.add(m.group(1));
        }
      });
    }
    return versions;
  }
}
