package dev.sekisho.bench;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.member.Argon2Engine;
import dev.sekisho.member.PasswordSettings;
import dev.sekisho.member.ThreadNiceness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The limits the gateway's figures are compared with, measured in the same run on the same
 * machine, so every figure comes as a ratio that a noisy machine affects on both sides.
 */
final class Ceilings {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

  private Ceilings() {}

  /**
   * The pgbench script: the single-row UPDATE at the heart of every passed OTP check (the step moves
   * only forward), for a random seeded member, with a step that always advances so every
   * transaction writes. One durable write per transaction: the ceiling for one write per check.
   * The gateway's check does more in its one statement (session successor, audit event, method use).
   */
  static String otpUpdateScript(long minMemberId, long maxMemberId) {
    return "\\set m random(" + minMemberId + ", " + maxMemberId + ")\n"
        + "update otp_totp set last_step = (extract(epoch from clock_timestamp()) * 1000000)::bigint, last_used_at = now() "
        + "where member_id = :m and last_step < (extract(epoch from clock_timestamp()) * 1000000)::bigint;\n";
  }

  /**
   * pgbench running the given single-row UPDATE script against the same PostgreSQL. Returns NaN
   * (and says why) when no pgbench is installed; Debian's postgresql-client or postgresql package has one.
   */
  static double pgbenchTps(DatabaseTarget db, String script, int clients, int seconds, Path workDir)
      throws IOException, InterruptedException {
    return pgbenchTps(db, "otp-update.sql", script, clients, seconds, workDir, List.of());
  }

  /** pgbench running a script (written to workDir/name) with extra pgbench options (e.g. -D var=value). */
  static double pgbenchTps(DatabaseTarget db, String name, String script, int clients, int seconds, Path workDir,
                           List<String> extra) throws IOException, InterruptedException {
    Path pgbench = findPgbench();
    if (pgbench == null) {
      System.out.println("  pgbench not found (install Debian's postgresql-client); the database ceiling is not measured");
      return Double.NaN;
    }
    Path file = workDir.resolve(name);
    Files.writeString(file, script, StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>(List.of(pgbench.toString(), "-n", "-M", "prepared", "-c", String.valueOf(clients),
        "-j", "2", "-T", String.valueOf(seconds), "-f", file.toString(), "-h", db.host(), "-p", String.valueOf(db.port()),
        "-U", db.user()));
    command.addAll(extra);
    command.add(db.database());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", db.password() == null ? "" : db.password());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(seconds + 60L, TimeUnit.SECONDS);
    Files.writeString(workDir.resolve(name + ".out"), output, StandardCharsets.UTF_8);
    Matcher m = TPS.matcher(output);
    if (!m.find()) {
      System.out.println("  pgbench failed: " + output.lines().filter(l -> l.contains("ERROR")).findFirst()
          .orElse(output.lines().reduce((a, b) -> b).orElse("")));
      return Double.NaN;
    }
    return Double.parseDouble(m.group(1));
  }

  static Path findPgbench() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "pgbench");
      if (Files.isExecutable(candidate) && !isDebianWrapper(candidate)) {
        return candidate;
      }
    }
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin/pgbench")).filter(Files::isExecutable)
          .sorted().reduce((a, b) -> b).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Debian's /usr/bin/pgbench is a wrapper that wants a local cluster; prefer the real binary. */
  private static boolean isDebianWrapper(Path candidate) {
    try {
      return Files.isSymbolicLink(candidate) && Files.readSymbolicLink(candidate).toString().contains("pg_wrapper");
    } catch (IOException e) {
      return false;
    }
  }

  /** The Argon2id ceiling: the implementation, the time of one hash, and hashes/s with every core hashing. */
  record Argon2Ceiling(String implementation, int threads, double millisPerHash, double cpuMillisPerHash,
                       double hashesPerSecond) {}

  /**
   * Argon2id hashes per second at the configured cost with the gateway's own implementation
   * ({@link Argon2Engine#forSettings}, the same one the gateway uses), measured with one
   * thread per core hashing at once (memory bandwidth and caches are shared, so cores x one thread
   * would overstate it), after a warm-up that loads the library and lets the JIT compile, at the
   * gateway's hashing thread priority ({@code password.hashNice}).
   */
  static Argon2Ceiling argon2(PasswordSettings settings, int seconds) throws InterruptedException {
    Argon2Engine engine = Argon2Engine.forSettings(settings);
    int threads = Runtime.getRuntime().availableProcessors();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long warmUpEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(500, seconds * 1000L / 3));
    long[] counts = new long[threads];
    long[] cpuNanos = new long[threads];
    long[] wallNanos = new long[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] end = new long[1];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker = new Thread(() -> {
        // At the gateway's hashing priority: on a quiet machine that changes nothing; on a shared one
        // both sides of the ratio get the same share of the CPU time that others leave.
        ThreadNiceness.lowerCurrentThread(settings.hashNice());
        long n = 0;
        while (System.nanoTime() < warmUpEnd || n < 3) {
          engine.hash("warm-up-" + n++);
        }
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        long c0 = cpu.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        long done = 0;
        while (System.nanoTime() < end[0]) {
          engine.hash("password-" + done++);
        }
        counts[index] = done;
        wallNanos[index] = System.nanoTime() - w0;
        cpuNanos[index] = cpu.getCurrentThreadCpuTime() - c0;
      }, "argon2-ceiling-" + t);
      worker.start();
      workers.add(worker);
    }
    ready.await();
    end[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    go.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    long hashes = 0;
    double rate = 0;
    double wall = 0;
    double cpuTotal = 0;
    for (int t = 0; t < threads; t++) {
      hashes += counts[t];
      rate += counts[t] / (wallNanos[t] / 1e9);
      wall += wallNanos[t];
      cpuTotal += cpuNanos[t];
    }
    return new Argon2Ceiling(engine.name(), threads, wall / 1e6 / hashes, cpuTotal / 1e6 / hashes, rate);
  }
}
