package dev.sekisho.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The bench process's own CPU time (the load generator's): printed beside each run, since it
 * shares the machine with the gateways and PostgreSQL and takes CPU time they would otherwise have.
 */
final class ClientCpu {
  private ClientCpu() {}

  /** CPU nanoseconds this process has used, or 0 where the JVM cannot say. */
  static long nanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  static void print(PrintStream out, long cpuNanos, long requests, double seconds) {
    if (requests > 0 && seconds > 0 && cpuNanos > 0) {
      out.printf(Locale.ROOT, "    load generator (this process): %.3f ms CPU per request, %.2f cores%n",
          cpuNanos / 1e6 / requests, cpuNanos / 1e9 / seconds);
    }
  }
}
