package dev.sekisho.bench;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How much of an open run's latency is this process's own: an open run measures each request from
 * the moment it was due, so when the load generator itself stalls (its GC pauses, or no CPU on a
 * machine it shares with the gateways and PostgreSQL) the requests it sends late carry that delay
 * too. Printed under each open run beside the gateway's figures, so a tail is not blamed on the
 * gateway when it is the generator's.
 */
final class GeneratorStalls {
  private final long collections;
  private final long collectionMillis;

  private GeneratorStalls(long collections, long collectionMillis) {
    this.collections = collections;
    this.collectionMillis = collectionMillis;
  }

  static GeneratorStalls now() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new GeneratorStalls(count, millis);
  }

  /** One line for an open run (sendDelay set); nothing for a closed one. */
  void print(PrintStream out, LoadDriver.Measured run) {
    if (run.sendDelay() == null || run.sendDelay().getTotalCount() == 0) {
      return;
    }
    GeneratorStalls end = now();
    out.printf(Locale.ROOT, "    load generator's own delay (in the latencies above): requests sent p50 %.2f, p99 %.2f, max %.1f ms"
            + " after due; its GC: %d collections, %d ms%n",
        run.sendDelay().getValueAtPercentile(50) / 1000.0, run.sendDelay().getValueAtPercentile(99) / 1000.0,
        run.sendDelay().getMaxValue() / 1000.0, end.collections - collections, end.collectionMillis - collectionMillis);
  }
}
