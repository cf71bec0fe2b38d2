package dev.sekisho.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went during a run: the load generator (this process), the gateways,
 * PostgreSQL (the embedded server's postmaster and its children, found through postmaster.pid), the
 * demo upstream, anything else, and idle, in cores, from Linux's /proc. Printed beside each run
 * because on one machine these share the cores: a run is bound by the hardware when idle is near
 * zero, and then the split says which part to make cheaper (issue 15: "CPU per part").
 */
final class CpuSplit {
  private static final long TICKS_PER_SECOND = 100;

  /** CPU used so far, in milliseconds per part; machine ticks busy and in all; nanoseconds waited for a core per part. */
  record Snapshot(long nanos, long clientMillis, long gatewayMillis, long postgresMillis, long upstreamMillis,
                  long machineBusyTicks, long machineTicks, long clientWait, long gatewayWait, long postgresWait) {}

  private final LongSupplier gateways;
  private final LongSupplier gatewayWaitNanos;
  private final LongSupplier upstream;
  /** The embedded server's data directory, or null for a database elsewhere (its CPU is then not this machine's to split). */
  private final Path postgresData;

  CpuSplit(LongSupplier gatewayMillis, LongSupplier gatewayWaitNanos, LongSupplier upstreamMillis, Path postgresData) {
    this.gateways = gatewayMillis;
    this.gatewayWaitNanos = gatewayWaitNanos;
    this.upstream = upstreamMillis;
    this.postgresData = postgresData;
  }

  Snapshot take() {
    long[] machine = machineTicks();
    return new Snapshot(System.nanoTime(), clientMillis(), gateways.getAsLong(), postgresMillis(), upstream.getAsLong(),
        machine[0], machine[1], RunQueue.waitNanos(ProcessHandle.current().pid()), gatewayWaitNanos.getAsLong(),
        postgresPids().stream().mapToLong(RunQueue::waitNanos).sum());
  }

  /** One line: cores per part over the run, and the load generator's CPU per request. */
  void print(PrintStream out, Snapshot before, Snapshot after, long requests) {
    double seconds = (after.nanos() - before.nanos()) / 1e9;
    if (seconds <= 0) {
      return;
    }
    double client = (after.clientMillis() - before.clientMillis()) / 1e3 / seconds;
    double gateway = (after.gatewayMillis() - before.gatewayMillis()) / 1e3 / seconds;
    double upstreamCores = (after.upstreamMillis() - before.upstreamMillis()) / 1e3 / seconds;
    long ticks = after.machineTicks() - before.machineTicks();
    int cores = Runtime.getRuntime().availableProcessors();
    double busy = ticks <= 0 ? Double.NaN : (double) (after.machineBusyTicks() - before.machineBusyTicks()) / ticks * cores;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "    CPU by part (cores of %d): load generator %.2f (%.3f ms per request), gateways %.2f", cores, client,
        requests > 0 ? (after.clientMillis() - before.clientMillis()) / (double) requests : Double.NaN, gateway));
    double known = client + gateway + upstreamCores;
    if (postgresData != null) {
      double postgres = (after.postgresMillis() - before.postgresMillis()) / 1e3 / seconds;
      known += postgres;
      line.append(String.format(Locale.ROOT, ", PostgreSQL %.2f", postgres));
    }
    if (upstreamCores > 0.005) {
      line.append(String.format(Locale.ROOT, ", upstream %.2f", upstreamCores));
    }
    if (!Double.isNaN(busy)) {
      line.append(String.format(Locale.ROOT, ", other %.2f, idle %.2f", Math.max(0, busy - known), Math.max(0, cores - busy)));
    }
    out.println(line);
    // Ready to run but no core free, in cores' worth (seconds waited per second), beside what each part ran.
    StringBuilder waited = new StringBuilder(String.format(Locale.ROOT,
        "    waiting for a core (run queue, in cores): load generator %.2f, gateways %.2f",
        (after.clientWait() - before.clientWait()) / 1e9 / seconds, (after.gatewayWait() - before.gatewayWait()) / 1e9 / seconds));
    if (postgresData != null) {
      waited.append(String.format(Locale.ROOT, ", PostgreSQL %.2f", (after.postgresWait() - before.postgresWait()) / 1e9 / seconds));
    }
    out.println(waited);
  }

  private static long clientMillis() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime()) / 1_000_000;
    }
    return 0;
  }

  /** The postmaster's CPU with its ended children's, and that of every live process whose parent it is. */
  private long postgresMillis() {
    List<Long> pids = postgresPids();
    if (pids.isEmpty()) {
      return 0;
    }
    try {
      long total = withEndedChildren(Path.of("/proc", String.valueOf(pids.get(0))));
      for (long child : pids.subList(1, pids.size())) {
        total += parentAndCpuMillis(Path.of("/proc", String.valueOf(child)))[1];
      }
      return total;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The postmaster (first line of postmaster.pid) first, then every process whose parent it is; none when unknown. */
  private List<Long> postgresPids() {
    if (postgresData == null) {
      return List.of();
    }
    try {
      long postmaster = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).trim());
      List<Long> pids = new ArrayList<>(List.of(postmaster));
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
          if (parentAndCpuMillis(proc)[0] == postmaster) {
            pids.add(Long.parseLong(proc.getFileName().toString()));
          }
        }
      }
      return pids;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** A process's CPU plus that of its children that ended (cutime, cstime): backends that came and went count too. */
  private static long withEndedChildren(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = 0;
    for (int i = 11; i <= 14; i++) {
      ticks += Long.parseLong(fields[i]);
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  private static long[] parentAndCpuMillis(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[1]), (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, 0};
    }
  }

  /** {busy, all} jiffies of the whole machine from the first line of /proc/stat (idle and iowait are not busy). */
  private static long[] machineTicks() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      long all = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        all += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {all - idle, all};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
