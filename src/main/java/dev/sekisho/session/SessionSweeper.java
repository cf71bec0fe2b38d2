package dev.sekisho.session;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired sessions now and then. Expired sessions are already refused on read; this only
 * keeps the table small. Several processes sweeping at once is harmless.
 */
public final class SessionSweeper extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSweeper.class);
  private static final long PERIOD_MS = 5 * 60 * 1000;
  private final DatabaseTarget database;
  private Pool pool;

  public SessionSweeper(DatabaseTarget database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, 1);
    vertx.setPeriodic(PERIOD_MS, PERIOD_MS, id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    pool.query("delete from http_session where expires_at < now()").execute()
        .onSuccess(rows -> LOG.debug("swept {} expired sessions", rows.rowCount()))
        .onFailure(err -> LOG.warn("session sweep failed: {}", err.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
