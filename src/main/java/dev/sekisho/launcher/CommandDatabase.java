package dev.sekisho.launcher;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.DatabaseWait;
import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.db.Migrations;
import dev.sekisho.db.Pools;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.Duration;

/**
 * The configured database for a one-shot command (import-members, staff add): the embedded server
 * (which refuses to take over one a live gateway owns) or the external one, waited for as at start-up,
 * migrated, with a small pool on a Vert.x of the command's own. Closing it stops what it started.
 */
final class CommandDatabase implements AutoCloseable {
  private final Vertx vertx;
  private final EmbeddedPostgres embedded;
  private final Pool pool;

  private CommandDatabase(Vertx vertx, EmbeddedPostgres embedded, Pool pool) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.pool = pool;
  }

  static CommandDatabase open(Settings settings, int poolSize) throws Exception {
    Vertx vertx = Vertx.vertx();
    EmbeddedPostgres embedded = null;
    try {
      DatabaseTarget target;
      if (settings.db().embedded()) {
        embedded = EmbeddedPostgres.start(settings.db().embeddedDataDir(), settings.db().embeddedPort(),
            settings.db().database());
        target = DatabaseTarget.of(embedded);
      } else {
        target = DatabaseTarget.of(settings.db());
        DatabaseWait.untilReachable(target, Duration.ofSeconds(settings.db().startupWaitSeconds()));
      }
      Migrations.apply(target);
      return new CommandDatabase(vertx, embedded, Pools.create(vertx, target, poolSize));
    } catch (Exception | Error e) {
      vertx.close();
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  Vertx vertx() {
    return vertx;
  }

  Pool pool() {
    return pool;
  }

  @Override
  public void close() {
    vertx.close();
    if (embedded != null) {
      embedded.close();
    }
  }
}
