package dev.sekisho.bench;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.member.PasswordSettings;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path pgbench = findPgbench();
    if (pgbench == null) {
      System.out.println("  pgbench not found (install Debian's postgresql-client); the database ceiling is not measured");
      return Double.NaN;
    }
    Path file = workDir.resolve("otp-update.sql");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    ProcessBuilder builder = new ProcessBuilder(pgbench.toString(), "-n", "-M", "prepared", "-c", String.valueOf(clients),
        "-j", "2", "-T", String.valueOf(seconds), "-f", file.toString(), "-h", db.host(), "-p", String.valueOf(db.port()),
        "-U", db.user(), db.database()).redirectErrorStream(true);
    builder.environment().put("PGPASSWORD", db.password() == null ? "" : db.password());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(seconds + 60L, TimeUnit.SECONDS);
    Matcher m = TPS.matcher(output);
    if (!m.find()) {
      System.out.println("  pgbench failed: " + output.lines().reduce((a, b) -> b).orElse(""));
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

  /** Argon2id hashes per second at the configured cost on one thread, times the cores. */
  static double argon2HashesPerSecond(PasswordSettings settings, int seconds) {
    Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, settings.parallelism(), settings.memoryKiB(),
        settings.iterations());
    for (int i = 0; i < 5; i++) {
      encoder.encode("warm-up");
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    int n = 0;
    while (System.nanoTime() < end) {
      encoder.encode("password-" + n++);
    }
    double perThread = n / ((System.nanoTime() - start) / 1e9);
    return perThread * Runtime.getRuntime().availableProcessors();
  }
}
