package dev.sekisho.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the figures of a run as a table. */
final class Report {
  private Report() {}

  static void header(PrintStream out) {
    out.printf(Locale.ROOT, "%-24s %-14s %8s %8s %8s %6s %8s %8s %8s %8s %8s %8s %7s%n",
        "scenario", "model", "req/s", "ok", "refused", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms",
        "cpu ms/req", "RSS MB");
  }

  static void line(PrintStream out, RunResult r) {
    out.printf(Locale.ROOT, "%-24s %-14s %8.0f %8d %8d %6d %8.2f %8.2f %8.2f %8.2f %8.1f %8s %7s%n",
        r.scenario(), r.model(), r.throughput(), r.ok(), r.refused(), r.errors(), r.percentileMillis(50),
        r.percentileMillis(90), r.percentileMillis(99), r.percentileMillis(99.9), r.latency().getMaxValue() / 1000.0,
        Double.isNaN(r.gatewayCpuMillisPerRequest()) ? "-" : String.format(Locale.ROOT, "%.3f", r.gatewayCpuMillisPerRequest()),
        r.gatewayRssBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.gatewayRssBytes() / 1048576.0));
  }

  /** Says so when a closed run ended before its time (its prepared sessions ran out): the rate is over the shorter time. */
  static void ranShort(PrintStream out, RunResult r, double seconds) {
    if (r.seconds() < 0.9 * seconds) {
      out.printf(Locale.ROOT, "    %s: the prepared requests ran out after %.1f of %.0f s (the rate is over that time)%n",
          r.scenario(), r.seconds(), seconds);
    }
  }
}
