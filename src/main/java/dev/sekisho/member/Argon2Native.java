package dev.sekisho.member;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import com.sun.jna.Platform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference Argon2 library (phc-winner-argon2, bundled per platform by argon2-jvm) through JNA,
 * called with an allocation callback so that hashes reuse blocks of memory instead of mapping new
 * ones. Why: libsodium (and the reference library's default malloc) map the m KiB of each hash
 * afresh and unmap them after; at 19 MiB that is about 4,900 page faults per hash, and each unmap
 * takes the process's memory-map lock for writing and flushes the TLBs of all its threads, so the
 * event loops stalled on their own page faults while logins ran. A block that stays mapped costs
 * neither.
 */
final class Argon2Native {
  static final int TYPE_D = 0;
  static final int TYPE_I = 1;
  static final int TYPE_ID = 2;
  /** ARGON2_FLAG_CLEAR_PASSWORD | ARGON2_FLAG_CLEAR_SECRET: the library wipes its copy of the password. */
  static final int CLEAR_INPUTS = 0b11;

  private Argon2Native() {}

  /** int (*allocate_fptr)(uint8_t **memory, size_t bytes_to_allocate) */
  public interface Allocate extends Callback {
    int invoke(Pointer memory, long bytes);
  }

  /** void (*deallocate_fptr)(uint8_t *memory, size_t bytes_to_allocate) */
  public interface Free extends Callback {
    void invoke(Pointer memory, long bytes);
  }

  /** argon2_context of argon2.h (unchanged since the library's version 20160406). */
  @Structure.FieldOrder({"out", "outlen", "pwd", "pwdlen", "salt", "saltlen", "secret", "secretlen", "ad", "adlen",
      "t_cost", "m_cost", "lanes", "threads", "version", "allocate_cbk", "free_cbk", "flags"})
  public static final class Context extends Structure {
    public Pointer out;
    public int outlen;
    public Pointer pwd;
    public int pwdlen;
    public Pointer salt;
    public int saltlen;
    public Pointer secret;
    public int secretlen;
    public Pointer ad;
    public int adlen;
    public int t_cost;
    public int m_cost;
    public int lanes;
    public int threads;
    public int version;
    public Allocate allocate_cbk;
    public Free free_cbk;
    public int flags;
  }

  interface Lib extends Library {
    int argon2_ctx(Context context, int type);

    String argon2_error_message(int code);
  }

  /** The bundled library, loaded once; null when it cannot be loaded, with the reason in PROBLEM. */
  static final class Loaded {
    static final Lib LIB;
    static final String PROBLEM;

    static {
      Lib lib = null;
      String problem = null;
      try {
        if (Native.SIZE_T_SIZE != 8) {
          throw new UnsupportedOperationException("size_t is not 64 bits here");
        }
        lib = load();
      } catch (Throwable e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      LIB = lib;
      PROBLEM = problem;
    }

    /**
     * From the jar's copy for this platform (never a system libargon2 of another version), copied to
     * a temporary file that is deleted once loaded (Linux and macOS keep the mapping), else at exit.
     */
    private static Lib load() throws IOException {
      String resource = Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName("argon2");
      Path file = Files.createTempFile("sekisho-libargon2-", resource.substring(resource.lastIndexOf('.')));
      try (InputStream in = Argon2Native.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("no " + resource + " in the jar for this platform");
        }
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        return Native.load(file.toAbsolutePath().toString(), Lib.class);
      } finally {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          file.toFile().deleteOnExit();
        }
      }
    }
  }

  /**
   * The blocks of memory the hashes run in, handed to the library by the allocation callback and
   * taken back, wiped by the library, when a hash ends: at most one block per hash running at once,
   * each reused by the next hash (most recently used first), so a steady stream of logins maps no
   * memory at all. Blocks idle for {@link #IDLE_MILLIS} are released ({@link #releaseIdle}), so a
   * gateway that has stopped hashing does not keep m KiB per hashing thread. A hash needing more
   * than the configured cost (an old hash of a higher cost) gets a block of its own, released when
   * that hash ends.
   */
  static final class Blocks {
    static final long IDLE_MILLIS = 30_000;
    private record Idle(Memory block, long sinceMillis) {}

    private final long blockBytes;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final ThreadLocal<Memory> inUse = new ThreadLocal<>();
    // Strong references: the native side holds only function pointers to these.
    final Allocate allocate = this::allocate;
    final Free free = this::free;

    private static final Map<Long, Blocks> BY_SIZE = new ConcurrentHashMap<>();

    private Blocks(long blockBytes) {
      this.blockBytes = blockBytes;
    }

    /** One set per block size in the process: every verticle's hasher shares the same hashing threads. */
    static Blocks ofSize(long blockBytes) {
      return BY_SIZE.computeIfAbsent(blockBytes, Blocks::new);
    }

    private int allocate(Pointer memory, long bytes) {
      try {
        Memory block = null;
        if (bytes <= blockBytes) {
          synchronized (this) {
            Idle last = idle.pollLast();
            block = last == null ? null : last.block();
          }
        }
        if (block == null) {
          block = new Memory(Math.max(bytes, blockBytes));
        }
        inUse.set(block);
        memory.setPointer(0, block);
        return 0;
      } catch (OutOfMemoryError e) {
        return -22; // ARGON2_MEMORY_ALLOCATION_ERROR
      }
    }

    private void free(Pointer memory, long bytes) {
      Memory block = inUse.get();
      inUse.remove();
      if (block == null || Pointer.nativeValue(block) != Pointer.nativeValue(memory)) {
        return; // not ours (cannot happen: the library frees what it allocated, on the same thread)
      }
      if (block.size() > blockBytes) {
        block.close();
      } else {
        synchronized (this) {
          idle.addLast(new Idle(block, System.currentTimeMillis()));
        }
      }
    }

    /** Releases the blocks no hash has used for the given time; returns how many. */
    int releaseIdle(long idleMillis) {
      long before = System.currentTimeMillis() - idleMillis;
      List<Memory> released = new ArrayList<>();
      synchronized (this) {
        // Least recently used first: the front of the deque.
        while (!idle.isEmpty() && idle.peekFirst().sinceMillis() <= before) {
          released.add(idle.pollFirst().block());
        }
      }
      released.forEach(Memory::close);
      return released.size();
    }

    synchronized int idleCount() {
      return idle.size();
    }
  }
}
