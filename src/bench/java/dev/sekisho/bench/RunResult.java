package dev.sekisho.bench;

import org.HdrHistogram.Histogram;

/** What one measured run of a scenario produced. Latencies in microseconds. */
public record RunResult(String scenario, String model, long requests, long ok, long refused, long errors, double seconds,
                        Histogram latency, double gatewayCpuMillisPerRequest, long gatewayRssBytes) {

  public double throughput() {
    return requests / seconds;
  }

  /**
   * Requests per second answered as the scenario intends (a passed check, a login that signed in, a
   * page served): what the ratios to the ceilings count. A refused replay or an error is not the work
   * a ceiling measures, and a dead gateway answers errors faster than any gateway answers checks.
   */
  public double okPerSecond() {
    return ok / seconds;
  }

  /** ", N refused and M errors not counted" when the run had any, else empty: said beside a ratio. */
  public String notCounted() {
    return refused + errors == 0 ? "" : String.format(java.util.Locale.ROOT, " (%d refused and %d errors of %d not counted)",
        refused, errors, requests);
  }

  public double percentileMillis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
