package dev.sekisho.member;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lowers the OS scheduling priority of the calling thread (Linux: each thread has its own nice
 * value, set with setpriority(PRIO_PROCESS, tid), and its own scheduling policy). Hashing threads
 * run at a higher nice value than the event loops and, by default, under SCHED_IDLE, so Argon2id
 * only takes CPU time that the event loops and PostgreSQL leave idle: a burst of logins cannot
 * delay OTP checks. Why both: a nice value alone only weighs the share (at nice 10 a hashing thread
 * still gets about a tenth of a core beside each busy thread, and on 2 cores that tenth was enough
 * to push OTP checks at 80 % of their rate past the machine: BENCHMARKS.md), while a SCHED_IDLE
 * thread runs only when no ordinary thread wants the CPU and is preempted by any that wakes. The
 * price is that logins wait while the CPUs are saturated by other work (the nice value then still
 * orders hashing among idle-class threads). Raising one's own nice value and moving oneself to
 * SCHED_IDLE need no privilege.
 * Java's Thread.setPriority does nothing on Linux without root, hence the native call. A thread
 * started by a niced thread inherits its nice value: the hashing threads start none (their results
 * go back to event loops that already run).
 */
public final class ThreadNiceness {
  private static final Logger log = LoggerFactory.getLogger(ThreadNiceness.class);
  private static final int PRIO_PROCESS = 0;
  /** Linux's SCHED_IDLE policy (sched.h): below every nice value of the ordinary policy. */
  private static final int SCHED_IDLE = 5;
  private static final AtomicBoolean reported = new AtomicBoolean();
  private static final ThreadLocal<Boolean> done = ThreadLocal.withInitial(() -> false);

  private ThreadNiceness() {}

  interface LibC extends Library {
    int gettid();

    int getpriority(int which, int who);

    int setpriority(int which, int who, int prio);

    /** param points at a struct sched_param, one int (the static priority, 0 for SCHED_IDLE). */
    int sched_setscheduler(int pid, int policy, int[] param);

    int sched_getscheduler(int pid);
  }

  private static final class C {
    static final LibC LIB = load();

    private static LibC load() {
      try {
        return Platform.isLinux() ? Native.load("c", LibC.class) : null;
      } catch (Throwable e) {
        return null;
      }
    }
  }

  /**
   * Makes the calling thread nice steps nicer than it is (at most 19) and, with idleClass, moves it
   * to SCHED_IDLE; once (later calls on the same thread cost a thread-local read). Where that is not
   * possible (not Linux, no libc through JNA), says so in one log line for the whole process and
   * leaves the priority alone.
   */
  public static void lowerCurrentThread(int nice, boolean idleClass) {
    if ((nice == 0 && !idleClass) || done.get()) {
      return;
    }
    done.set(true);
    String problem;
    try {
      LibC libc = C.LIB;
      if (libc == null) {
        problem = "per-thread priorities need Linux";
      } else if (nice != 0 && libc.setpriority(PRIO_PROCESS, libc.gettid(),
          Math.min(19, libc.getpriority(PRIO_PROCESS, libc.gettid()) + nice)) != 0) {
        problem = "setpriority failed with errno " + Native.getLastError();
      } else if (idleClass && libc.sched_setscheduler(libc.gettid(), SCHED_IDLE, new int[] {0}) != 0) {
        problem = "sched_setscheduler(SCHED_IDLE) failed with errno " + Native.getLastError();
      } else {
        problem = null;
      }
    } catch (Throwable e) {
      problem = e.toString();
    }
    if (problem != null && reported.compareAndSet(false, true)) {
      log.warn("Password hashing threads keep the normal OS priority ({}): logins compete with the event loops for CPU",
          problem);
    }
  }

  /** Whether the calling thread runs under SCHED_IDLE (false where that cannot be read): for the tests. */
  static boolean currentThreadIsIdleClass() {
    LibC libc = C.LIB;
    return libc != null && libc.sched_getscheduler(libc.gettid()) == SCHED_IDLE;
  }

  /** The calling thread's nice value (0 where it cannot be read): for the tests. */
  static int currentThreadNice() {
    LibC libc = C.LIB;
    return libc == null ? 0 : libc.getpriority(PRIO_PROCESS, libc.gettid());
  }
}
