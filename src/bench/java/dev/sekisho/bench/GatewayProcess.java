package dev.sekisho.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway (or the demo upstream) in its own JVM, as in production, so the load generator and the gateway do not share
 * a heap or a JIT, and the gateway's CPU time and RSS can be read from /proc. The fault tests use it too (a real OS
 * process to send SIGTERM or SIGKILL to): the one copy of this machinery.
 */
public final class GatewayProcess implements AutoCloseable {
  /**
   * The JVM flags a gateway runs with: the README's production command, the Dockerfile and the
   * systemd unit set these (GatewayFlagsTest holds them together), and the bench starts its gateways
   * with them, so the RSS it measures is that of a gateway started as documented. Why each
   * (BENCHMARKS.md, "Gateway memory and GC pauses"):
   * <ul>
   *   <li>G1 with a 10 ms pause goal in a 112 MB heap (128 MB until the password dictionaries, 18 MB of
   *   live heap, were loaded only when a password is set: 296 MB resident at most against 302-305 MB
   *   in the same runs): the second-step tickets live for seconds to
   *   minutes, so they reach the old generation and die there; the serial collector then had to stop
   *   everything for a full collection (150 ms, a queue that took the open model's p99 to 300 ms),
   *   where G1 reclaims the old regions a few at a time in its young pauses. A default JVM on a large
   *   host sizes the heap at a quarter of the RAM (365-420 MB under OTP load).</li>
   *   <li>{@code MetaspaceSize=64m}: the classes loaded at start-up (about 36 MB of metadata) no longer
   *   trigger the two "Metadata GC Threshold" full collections at start.</li>
   *   <li>{@code TrimNativeHeapInterval}: glibc keeps the native memory the JIT compilers and the
   *   libraries free (tens of MB after start-up and the first logins); trimmed every 5 s, it goes back
   *   to the system. A product flag since 17.0.9.</li>
   * </ul>
   */
  public static final List<String> JVM_FLAGS = List.of("-XX:+UseG1GC", "-Xmx112m", "-XX:MaxGCPauseMillis=10",
      "-XX:MetaspaceSize=64m", "-XX:TrimNativeHeapInterval=5000");
  /**
   * The environment the documented commands give the JVM, which it cannot set for itself: glibc makes
   * up to 8 malloc arenas per core, one per thread that allocates, each holding memory it freed; two
   * arenas keep the native heap of the hashing threads, event loops and compilers together.
   */
  public static final Map<String, String> ENV = Map.of("MALLOC_ARENA_MAX", "2");
  private final Process process;
  private final int port;
  private final Path log;
  /** How long close() waits after SIGTERM: a test's child may stop an embedded database too. */
  private final int stopWaitSeconds;
  private final CompletableFuture<Long> readyAfterMillis = new CompletableFuture<>();
  private long startMillis;

  private GatewayProcess(Process process, int port, Path log, int stopWaitSeconds) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.stopWaitSeconds = stopWaitSeconds;
  }

  /**
   * Starts a gateway on port against the database at dbUrl; returns once /ready answers 200.
   * The bench's own SEKISHO_* environment is passed on (secrets, Argon2 cost ...), then overridden.
   */
  public static GatewayProcess start(int port, String dbUrl, Map<String, String> extraEnv, List<String> jvmArgs, Path log)
      throws IOException {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("SEKISHO_DB_URL", dbUrl);
    env.put("SEKISHO_HTTP_PORT", String.valueOf(port));
    env.put("SEKISHO_DEMO_MEMBER", "false");
    env.put("SEKISHO_LOG_LEVEL", "WARN");
    // The bench reads /ready and /metrics on the gateway's own port; several gateways run side by side.
    env.put("SEKISHO_MANAGEMENT_PORT", "0");
    env.put("SEKISHO_MANAGEMENT_PUBLIC", "true");
    env.putAll(ENV);
    env.putAll(extraEnv);
    return launch("run", port, "/ready", env, jvmArgs, log, "gateway");
  }

  /**
   * Starts a gateway ({@code run}) with exactly the given SEKISHO_* environment (this process's own are dropped, so a
   * test's child depends on nothing it inherited); returns once its output says readyLine, which the caller may then
   * read in {@link #log()}. Its output goes to a temporary file.
   */
  public static GatewayProcess isolated(int port, Map<String, String> env, String readyLine, int maxSeconds)
      throws IOException {
    Path log = Files.createTempFile("sekisho-child-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command(List.of(), "run")).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    builder.environment().put("SEKISHO_HTTP_PORT", String.valueOf(port));
    builder.environment().putAll(env);
    GatewayProcess child = new GatewayProcess(builder.start(), port, log, 120);
    child.awaitLog(readyLine, maxSeconds);
    return child;
  }

  /** Any OS process as a child of the bench, its output in log (the bench's own checks of its children are tested on it). */
  static GatewayProcess of(Process process, int port, Path log) {
    return new GatewayProcess(process, port, log, 5);
  }

  /**
   * Starts the demo portal alone ({@code demo-upstream}) on port, like a real portal beside the
   * gateways; returns once its top page answers 200. Same machinery, so its CPU time can be read too.
   */
  public static GatewayProcess demoUpstream(int port, List<String> jvmArgs, Path log) throws IOException {
    return launch("demo-upstream", port, "/", Map.of("SEKISHO_GATEWAY_DEMO_UPSTREAM_PORT", String.valueOf(port)),
        jvmArgs, log, "demo upstream");
  }

  private static GatewayProcess launch(String subcommand, int port, String readyPath, Map<String, String> extraEnv,
                                       List<String> jvmArgs, Path log, String what) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(jvmArgs, subcommand)).redirectErrorStream(true);
    builder.environment().putAll(extraEnv);
    long started = System.nanoTime();
    GatewayProcess gateway = new GatewayProcess(builder.start(), port, log, 30);
    Thread reader = new Thread(() -> gateway.copyOutput(log), what.replace(' ', '-') + "-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    Thread poller = new Thread(() -> gateway.pollReady(started, readyPath), what.replace(' ', '-') + "-" + port + "-ready");
    poller.setDaemon(true);
    poller.start();
    try {
      gateway.startMillis = gateway.readyAfterMillis.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      gateway.close();
      throw new IOException("the " + what + " on port " + port + " did not become ready; see " + log, e);
    }
    return gateway;
  }

  /** This JVM's java and class path (with sekisho-bench.jar, its Class-Path brings sekisho.jar), running Main. */
  private static List<String> command(List<String> jvmArgs, String subcommand) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main", subcommand));
    return command;
  }

  /** Polls readyPath (for a gateway /ready: the database answers through it) every 20 ms. */
  private void pollReady(long started, String readyPath) {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI ready = java.net.URI.create("http://127.0.0.1:" + port + readyPath);
    while (process.isAlive() && !readyAfterMillis.isDone()) {
      try {
        var answer = http.send(java.net.http.HttpRequest.newBuilder(ready).timeout(java.time.Duration.ofSeconds(2)).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          readyAfterMillis.complete((System.nanoTime() - started) / 1_000_000);
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void copyOutput(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         var out = Files.newBufferedWriter(log)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      readyAfterMillis.completeExceptionally(e);
    }
    try {
      readyAfterMillis.completeExceptionally(new IOException("gateway exited with " + process.waitFor()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Process start to /ready answering 200, in milliseconds (JVM start included). */
  public long startMillis() {
    return startMillis;
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** The OS process, to signal. */
  public Process process() {
    return process;
  }

  /** Where the process's output goes. */
  public Path logFile() {
    return log;
  }

  /** Everything the process printed so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for a line in the process's output (its own progress, not a clock, decides). */
  public void awaitLog(String text, int maxSeconds) {
    long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
    while (!log().contains(text)) {
      if (!process.isAlive() && !log().contains(text)) {
        throw new IllegalStateException("gateway process exited (" + process.exitValue() + ") before '" + text + "':\n" + log());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("no '" + text + "' from the gateway process:\n" + log());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Waits for the process to end by itself (after a SIGTERM, say); returns its exit status. */
  public int awaitExit() throws InterruptedException {
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("gateway process did not exit:\n" + log());
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  /** CPU time the gateway used so far (user + system), in milliseconds. */
  public long cpuMillis() {
    return ProcStats.cpuMillis(process.pid());
  }

  /** Minor page faults and kernel-mode CPU ms so far (see {@link ProcStats#faultsAndSystemMillis}). */
  public long[] faultsAndSystemMillis() {
    return ProcStats.faultsAndSystemMillis(process.pid());
  }

  /** Resident memory now, in bytes. */
  public long rssBytes() {
    return ProcStats.rssBytes(process.pid());
  }

  /** SIGTERM, as an orchestrator would; waits for the drain (and the embedded database's stop). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(stopWaitSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
