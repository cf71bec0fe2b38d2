package dev.sekisho.bench;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's figures as ratios to the ceilings measured in the same run, each with its target in
 * brackets (issue 15's targets): what a reader of the bench's output compares, in one place.
 */
final class CeilingRatios {
  private final PrintStream out;
  private final Map<String, RunResult> byKey;
  private final Map<String, Double> upstreamCpu;
  private final List<RunResult> results;
  private final List<GatewayProcess> processes;
  private final long liveSessions;

  CeilingRatios(PrintStream out, Map<String, RunResult> byKey, Map<String, Double> upstreamCpu, List<RunResult> results,
                List<GatewayProcess> processes, long liveSessions) {
    this.out = out;
    this.byKey = byKey;
    this.upstreamCpu = upstreamCpu;
    this.results = results;
    this.processes = processes;
    this.liveSessions = liveSessions;
  }

  /** Prints every ratio; {@code NaN} ceilings (pgbench not installed) leave their lines out. */
  void print(double pgbench, double argon2, StatementCeiling.Result statement) {
    ratios(pgbench, argon2);
    statementRatio(statement);
  }

  private void statementRatio(StatementCeiling.Result statement) {
    RunResult totpClosed = byKey.get("a totp-check/closed");
    if (totpClosed != null && statement != null) {
      out.printf(Locale.ROOT, "  OTP checks/s %.0f = %.2f x pgbench %.0f TPS of the check's own statement%s%n", totpClosed.okPerSecond(),
          totpClosed.okPerSecond() / statement.tps(), statement.tps(), totpClosed.notCounted());
    }
  }

  private void ratios(double pgbench, double argon2) {
    out.println();
    out.println("Against the ceilings (target in brackets):");
    RunResult totpClosed = byKey.get("a totp-check/closed");
    RunResult totpOpen = byKey.get("a totp-check/open");
    if (totpClosed != null && !Double.isNaN(pgbench)) {
      out.printf(Locale.ROOT, "  OTP checks/s %.0f = %.2f x pgbench %.0f TPS [>= 1.0]%s%n", totpClosed.okPerSecond(),
          totpClosed.okPerSecond() / pgbench, pgbench, totpClosed.notCounted());
    }
    if (totpOpen != null) {
      out.printf(Locale.ROOT, "  OTP check p99 %.2f ms at %.0f/s (%s of pgbench TPS) [<= 20 ms at 0.8 x pgbench]%s%n",
          totpOpen.percentileMillis(99), totpOpen.throughput(),
          Double.isNaN(pgbench) ? "n/a" : String.format(Locale.ROOT, "%.2f", totpOpen.throughput() / pgbench),
          totpOpen.refused() + totpOpen.errors() == 0 ? "" : String.format(Locale.ROOT,
              " (the latencies include %d refused and %d errors)", totpOpen.refused(), totpOpen.errors()));
    }
    RunResult loginClosed = byKey.get("c login+totp/closed");
    if (loginClosed != null) {
      out.printf(Locale.ROOT, "  logins/s %.1f = %.2f x Argon2id ceiling %.1f hashes/s [>= 0.85]%s%n", loginClosed.okPerSecond(),
          loginClosed.okPerSecond() / argon2, argon2, loginClosed.notCounted());
    }
    RunResult mixed = byKey.get("mixed-totp");
    if (mixed != null && totpOpen != null) {
      out.printf(Locale.ROOT, "  OTP check p99 with logins flat out %.2f ms vs %.2f ms alone: %+.0f %% [within +-20 %%]%n",
          mixed.percentileMillis(99), totpOpen.percentileMillis(99),
          100 * (mixed.percentileMillis(99) / totpOpen.percentileMillis(99) - 1));
    }
    RunResult proxy = byKey.get("d proxied/closed");
    RunResult direct = byKey.get("upstream direct/closed");
    RunResult proxyOpen = byKey.get("d proxied/open");
    RunResult directOpen = byKey.get("upstream direct/open");
    if (proxy != null && direct != null) {
      out.printf(Locale.ROOT, "  proxied req/s %.0f = %.2f x upstream direct %.0f [>= 0.5]%s%n", proxy.okPerSecond(),
          proxy.okPerSecond() / direct.okPerSecond(), direct.okPerSecond(), proxy.notCounted() + direct.notCounted());
    }
    RunResult directSameRate = byKey.get("upstream direct/same-rate");
    if (proxyOpen != null && directSameRate != null) {
      out.printf(Locale.ROOT, "  proxy adds %.2f ms at p50 (open models at the same rate, %.0f/s vs %.0f/s) [<= 1 ms]%n",
          proxyOpen.percentileMillis(50) - directSameRate.percentileMillis(50), proxyOpen.throughput(),
          directSameRate.throughput());
    } else if (proxyOpen != null && directOpen != null) {
      out.printf(Locale.ROOT, "  proxy adds %.2f ms at p50 (open models, %.0f/s vs %.0f/s) [<= 1 ms]%n",
          proxyOpen.percentileMillis(50) - directOpen.percentileMillis(50), proxyOpen.throughput(), directOpen.throughput());
    }
    Double upstreamProxied = upstreamCpu.get("d proxied/closed");
    Double upstreamDirect = upstreamCpu.get("upstream direct/closed");
    if (proxy != null && upstreamProxied != null && upstreamDirect != null) {
      out.printf(Locale.ROOT, "  CPU per proxied request: gateway %.3f ms + upstream %.3f ms; upstream hit directly %.3f ms%n",
          proxy.gatewayCpuMillisPerRequest(), upstreamProxied, upstreamDirect);
    }
    long maxRss = results.stream().mapToLong(RunResult::gatewayRssBytes).max().orElse(-1);
    if (maxRss > 0) {
      out.printf(Locale.ROOT, "  gateway RSS max %.0f MB over %d process(es), %d live sessions [<= 300 MB per process]%n",
          maxRss / 1048576.0, processes.size(), liveSessions);
    }
    processes.stream().map(GatewayProcess::startMillis).max(Comparator.naturalOrder()).ifPresent(ms ->
        out.printf(Locale.ROOT, "  start-up to ready %d ms, JVM start included [<= 3000 ms]%n", ms));
  }
}
