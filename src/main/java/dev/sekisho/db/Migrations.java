package dev.sekisho.db;

import org.flywaydb.core.Flyway;

/** Applies the versioned SQL migrations of src/main/resources/db/migration. Blocking: call on a worker. */
public final class Migrations {
  private Migrations() {}

  public static int apply(DatabaseTarget target) {
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .loggers("slf4j")
        .load();
    return flyway.migrate().migrationsExecuted;
  }
}
