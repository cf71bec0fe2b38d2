package dev.sekisho.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How long a process's threads were ready to run but waited for a core: the second field of Linux's
 * /proc/PID/task/TID/schedstat (nanoseconds on the run queue), summed over the threads alive now. On a
 * machine whose parts share the cores, this is where a latency tail comes from that neither a GC log
 * nor the idle figure shows: a run can leave a quarter of a core idle on average and still have every
 * part wait longer for a core than it runs, in the bursts.
 */
final class RunQueue {
  private RunQueue() {}

  /** Nanoseconds the process's live threads have waited for a core; 0 when unknown (no schedstat). */
  static long waitNanos(long pid) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      return tasks.mapToLong(RunQueue::taskWaitNanos).sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long taskWaitNanos(Path task) {
    try {
      String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
      return Long.parseLong(fields[1]);
    } catch (IOException | RuntimeException e) {
      return 0; // the thread ended meanwhile
    }
  }
}
