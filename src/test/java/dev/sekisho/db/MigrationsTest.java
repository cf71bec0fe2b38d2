package dev.sekisho.db;

import dev.sekisho.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Flyway is skipped only when every migration of the class path is recorded as applied. */
class MigrationsTest {

  private static DatabaseTarget freshDatabase(String name) throws Exception {
    DatabaseTarget shared = TestDatabase.target();
    try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
         Statement s = c.createStatement()) {
      s.execute("drop database if exists " + name);
      s.execute("create database " + name);
    }
    return new DatabaseTarget(shared.host(), shared.port(), name, shared.user(), shared.password());
  }

  @Test
  void anEmptyDatabaseIsMigratedAndARestartSkipsFlyway() throws Exception {
    DatabaseTarget db = freshDatabase("migrations_fresh");
    int files = Migrations.classpathVersions().size();
    assertThat(files).isGreaterThanOrEqualTo(7);
    assertThat(Migrations.upToDate(db)).isFalse();

    assertThat(Migrations.apply(db)).isEqualTo(files);

    assertThat(Migrations.upToDate(db)).isTrue();
    assertThat(Migrations.apply(db)).isZero();
  }

  @Test
  void aMissingOrFailedMigrationMakesFlywayRunAgain() throws Exception {
    DatabaseTarget db = freshDatabase("migrations_partial");
    Migrations.apply(db);
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
      s.executeUpdate("update flyway_schema_history set success = false where version = '9'");
    }
    assertThat(Migrations.upToDate(db)).isFalse();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
      s.executeUpdate("delete from flyway_schema_history where version = '9'");
    }
    assertThat(Migrations.upToDate(db)).isFalse();
  }
}
