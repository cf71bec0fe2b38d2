package dev.sekisho.member;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lowers the OS scheduling priority of the calling thread (Linux: each thread has its own nice
 * value, set with setpriority(PRIO_PROCESS, tid)). Hashing threads run at a higher nice value than
 * the event loops, so Argon2id only takes CPU time that the event loops and PostgreSQL leave idle:
 * a burst of logins cannot delay OTP checks. Raising one's own nice value needs no privilege.
 * Java's Thread.setPriority does nothing on Linux without root, hence the native call. A thread
 * started by a niced thread inherits its nice value: the hashing threads start none (their results
 * go back to event loops that already run).
 */
public final class ThreadNiceness {
  private static final Logger log = LoggerFactory.getLogger(ThreadNiceness.class);
  private static final int PRIO_PROCESS = 0;
  private static final AtomicBoolean reported = new AtomicBoolean();
  private static final ThreadLocal<Boolean> done = ThreadLocal.withInitial(() -> false);

  private ThreadNiceness() {}

  interface LibC extends Library {
    int gettid();

    int getpriority(int which, int who);

    int setpriority(int which, int who, int prio);
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
   * Makes the calling thread nice steps nicer than it is (at most 19), once (later calls on the same thread cost a thread-local
   * read). Where that is not possible (not Linux, no libc through JNA), says so in one log line for
   * the whole process and leaves the priority alone.
   */
  public static void lowerCurrentThread(int nice) {
    if (nice == 0 || done.get()) {
      return;
    }
    done.set(true);
    String problem;
    try {
      LibC libc = C.LIB;
      if (libc == null) {
        problem = "per-thread priorities need Linux";
      } else if (libc.setpriority(PRIO_PROCESS, libc.gettid(),
          Math.min(19, libc.getpriority(PRIO_PROCESS, libc.gettid()) + nice)) != 0) {
        problem = "setpriority failed with errno " + Native.getLastError();
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
}
