package dev.sekisho.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.HdrHistogram.Histogram;

/**
 * Drives a scenario from this process with Vert.x's non-blocking HTTP client, in one of two
 * models:
 * <ul>
 *   <li>closed: a fixed number of callers, each sending its next request when the last one
 *       answered; measures the maximum throughput;</li>
 *   <li>open: requests start on a fixed schedule whatever the answers do; each latency counts
 *       from the moment the request was due, not when it was sent, so a stalled gateway shows up
 *       in the percentiles instead of silently slowing the load (coordinated omission).</li>
 * </ul>
 * All callbacks run on one event loop of this process, so the histogram needs no locking.
 */
public final class LoadDriver {
  private static final long MAX_LATENCY_MICROS = 60_000_000L;
  private final Context context;

  public LoadDriver(Context context) {
    this.context = context;
  }

  public Future<Measured> closed(Scenario scenario, int callers, long durationMillis) {
    Promise<Measured> done = Promise.promise();
    context.runOnContext(v -> {
      Counts counts = new Counts();
      long start = System.nanoTime();
      long end = start + durationMillis * 1_000_000;
      int[] running = {callers};
      long[] sequence = {0};
      for (int c = 0; c < callers; c++) {
        loop(scenario, counts, sequence, end, () -> {
          if (--running[0] == 0) {
            done.complete(counts.measured((System.nanoTime() - start) / 1e9));
          }
        });
      }
    });
    return done.future();
  }

  private void loop(Scenario scenario, Counts counts, long[] sequence, long end, Runnable finished) {
    if (System.nanoTime() >= end || scenario.exhausted(sequence[0])) {
      finished.run();
      return;
    }
    long sent = System.nanoTime();
    call(scenario, sequence[0]++).onComplete(result -> {
      counts.record(sent, result.succeeded() ? result.result() : Outcome.ERROR);
      loop(scenario, counts, sequence, end, finished);
    });
  }

  /** Starts requests at ratePerSecond for durationMillis, whatever the answers do. */
  public Future<Measured> open(Scenario scenario, double ratePerSecond, long durationMillis) {
    Promise<Measured> done = Promise.promise();
    context.runOnContext(v -> {
      Counts counts = new Counts();
      long[] scheduled = {0};
      long[] answered = {0};
      long total = Math.max(1, (long) (ratePerSecond * durationMillis / 1000.0));
      double intervalNanos = 1e9 / ratePerSecond;
      long start = System.nanoTime();
      // A 1 ms tick sends every request whose due time has come; each is measured from its due time.
      context.owner().setPeriodic(1, timer -> {
        long now = System.nanoTime();
        while (scheduled[0] < total && start + (long) (scheduled[0] * intervalNanos) <= now) {
          long due = start + (long) (scheduled[0] * intervalNanos);
          counts.sentLate(now - due);
          long i = scheduled[0]++;
          call(scenario, i).onComplete(result -> {
            counts.record(due, result.succeeded() ? result.result() : Outcome.ERROR);
            if (++answered[0] == total) {
              done.complete(counts.measured((System.nanoTime() - start) / 1e9));
            }
          });
        }
        if (scheduled[0] >= total) {
          context.owner().cancelTimer(timer);
        }
      });
    });
    return done.future();
  }

  private static Future<Outcome> call(Scenario scenario, long i) {
    try {
      return scenario.call(i);
    } catch (RuntimeException e) {
      return Future.succeededFuture(Outcome.ERROR);
    }
  }

  private static final class Counts {
    final Histogram histogram = new Histogram(MAX_LATENCY_MICROS, 3);
    /** Open model: how late this process sent each request (its own stalls, counted in the latencies). */
    Histogram sendDelay;
    long ok;
    long refused;
    long errors;

    void record(long fromNanos, Outcome outcome) {
      long micros = Math.max(1, (System.nanoTime() - fromNanos) / 1000);
      histogram.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
      switch (outcome) {
        case OK -> ok++;
        case REFUSED -> refused++;
        default -> errors++;
      }
    }

    void sentLate(long nanos) {
      if (sendDelay == null) {
        sendDelay = new Histogram(MAX_LATENCY_MICROS, 3);
      }
      sendDelay.recordValue(Math.min(Math.max(0, nanos / 1000), MAX_LATENCY_MICROS));
    }

    Measured measured(double seconds) {
      return new Measured(ok + refused + errors, ok, refused, errors, seconds, histogram, sendDelay);
    }
  }

  /**
   * The raw outcome of a run, before the gateway's own figures are added. sendDelay (open model only,
   * else null): how long after its due time this process sent each request, in microseconds. An open
   * run measures each latency from the due time, so this process's own stalls (a GC pause, no CPU on
   * a machine it shares with the gateway and PostgreSQL) are in the latencies too: this says how much.
   */
  public record Measured(long requests, long ok, long refused, long errors, double seconds, Histogram latency,
                         Histogram sendDelay) {
  }
}
