package dev.sekisho.metrics;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mail outbox depth, read from the database on a timer (one small query per period per process,
 * whatever the scrape rate): mails waiting to go out, mails given up on, and how long the oldest has waited.
 */
public final class OutboxDepthGauge extends VerticleBase {
  private static final String QUERY = "select count(*) filter (where status in ('pending', 'sending')), "
      + "count(*) filter (where status = 'failed'), "
      + "coalesce(extract(epoch from now() - min(created_at) filter (where status in ('pending', 'sending'))), 0) "
      + "from mail_outbox where status <> 'sent'";
  private final DatabaseTarget database;
  private final MeterRegistry registry;
  private final Duration period;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong oldestAgeSeconds = new AtomicLong();
  private Pool pool;
  private long timer;

  public OutboxDepthGauge(DatabaseTarget database, MeterRegistry registry, Duration period) {
    this.database = database;
    this.registry = registry;
    this.period = period;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, 1);
    Gauge.builder("sekisho_mail_outbox", pending, AtomicLong::get).tag("status", "pending")
        .description("mails waiting in the outbox (refreshed periodically)").register(registry);
    Gauge.builder("sekisho_mail_outbox", failed, AtomicLong::get).tag("status", "failed")
        .description("mails given up on (refreshed periodically)").register(registry);
    Gauge.builder("sekisho_mail_outbox_oldest_age_seconds", oldestAgeSeconds, AtomicLong::get).baseUnit("seconds")
        .description("age of the oldest mail still waiting to go out, 0 when none waits (refreshed periodically)")
        .register(registry);
    refresh();
    timer = vertx.setPeriodic(period.toMillis(), id -> refresh());
    return Future.succeededFuture();
  }

  private void refresh() {
    pool.query(QUERY).execute().onSuccess(rows -> {
      Row row = rows.iterator().next();
      pending.set(row.getLong(0));
      failed.set(row.getLong(1));
      oldestAgeSeconds.set(Math.round(row.getDouble(2)));
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return pool.close();
  }
}
