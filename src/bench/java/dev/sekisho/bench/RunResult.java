package dev.sekisho.bench;

import org.HdrHistogram.Histogram;

/** What one measured run of a scenario produced. Latencies in microseconds. */
public record RunResult(String scenario, String model, long requests, long ok, long refused, long errors, double seconds,
                        Histogram latency, double gatewayCpuMillisPerRequest, long gatewayRssBytes) {

  public double throughput() {
    return requests / seconds;
  }

  public double percentileMillis(double percentile) {
    return latency.getValueAtPercentile(percentile) / 1000.0;
  }
}
