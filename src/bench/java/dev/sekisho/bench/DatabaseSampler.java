package dev.sekisho.bench;

import dev.sekisho.db.DatabaseTarget;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What PostgreSQL did during a run (issue 15, item 2: where a check waits): the wait events of its
 * active client backends, sampled every {@link #INTERVAL_MS} from a thread of its own (not the load
 * generator's event loop), and the WAL written, from pg_stat_wal, per passed check. Under load a
 * check's commit waits for the WAL flush (LWLock:WALWrite), and most of a check's WAL is whole pages
 * (the first change of a page after a checkpoint), so WAL bytes per check is what to compare.
 */
final class DatabaseSampler implements AutoCloseable {
  static final long INTERVAL_MS = 50;
  private static final String WAITS = "select coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, 'running'), count(*)"
      + " from pg_stat_activity where state = 'active' and backend_type = 'client backend' and pid <> pg_backend_pid()"
      + " group by 1";
  private static final String WAL = "select wal_bytes::bigint, wal_fpi, wal_records from pg_stat_wal";

  private final Connection connection;
  private final long[] walBefore;
  private final Map<String, Long> waits = new TreeMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long samples;
  private long active;

  private DatabaseSampler(Connection connection) throws SQLException {
    this.connection = connection;
    this.walBefore = wal();
    this.thread = new Thread(this::sample, "bench-database-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts sampling, or returns null (and says why) when the database cannot be sampled. */
  static DatabaseSampler start(DatabaseTarget db, PrintStream out) {
    try {
      return new DatabaseSampler(DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()));
    } catch (SQLException e) {
      out.println("    database not sampled: " + e.getMessage());
      return null;
    }
  }

  private void sample() {
    try (Statement s = connection.createStatement()) {
      while (running) {
        try (ResultSet r = s.executeQuery(WAITS)) {
          synchronized (this) {
            samples++;
            while (r.next()) {
              waits.merge(r.getString(1), r.getLong(2), Long::sum);
              active += r.getLong(2);
            }
          }
        }
        Thread.sleep(INTERVAL_MS);
      }
    } catch (SQLException | InterruptedException e) {
      running = false;
    }
  }

  private long[] wal() throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(WAL)) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
    }
  }

  /** Stops sampling and prints the WAL per passed check and the mean number of backends per wait event. */
  void print(PrintStream out, String run, long passedChecks) throws Exception {
    running = false;
    thread.join(5_000);
    long[] after = wal();
    if (passedChecks > 0) {
      out.printf(Locale.ROOT, "    database during %s: WAL %.0f bytes per passed check (full-page images %.2f per check, %.1f records)%n",
          run, (double) (after[0] - walBefore[0]) / passedChecks, (double) (after[1] - walBefore[1]) / passedChecks,
          (double) (after[2] - walBefore[2]) / passedChecks);
    }
    synchronized (this) {
      if (samples > 0) {
        String top = waits.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), (double) e.getValue() / samples))
            .collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "    database during %s: %.1f active backends (mean of %d samples, every %d ms): %s%n",
            run, (double) active / samples, samples, INTERVAL_MS, top);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    running = false;
    connection.close();
  }
}
