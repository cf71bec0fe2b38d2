package dev.sekisho.faults;

import dev.sekisho.testing.TestGateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in its own JVM ({@code dev.sekisho.launcher.Main run}, the test classpath), on its own
 * embedded PostgreSQL data directory: a real OS process to send SIGTERM or SIGKILL to.
 */
final class GatewayProcess implements AutoCloseable {
  final Process process;
  final Path log;
  final int port;

  private GatewayProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** @param dataDir the embedded database's directory, or null when extraEnv names SEKISHO_DB_URL */
  static GatewayProcess start(Path dataDir, Map<String, String> extraEnv) throws IOException {
    int port = TestGateway.freePort();
    Path log = Files.createTempFile("sekisho-child-", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main", "run"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(Path.of("").toAbsolutePath().toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    if (dataDir != null) {
      env.put("SEKISHO_DB_EMBEDDED_DATA_DIR", dataDir.toString());
    }
    env.put("SEKISHO_HTTP_PORT", String.valueOf(port));
    env.put("SEKISHO_HTTP_INSTANCES", "1");
    env.put("SEKISHO_MANAGEMENT_PORT", "0");
    env.put("SEKISHO_MANAGEMENT_PUBLIC", "true");
    env.put("SEKISHO_HTTP_TRUSTED_PROXIES", "127.0.0.1");
    env.put("SEKISHO_ADMIN_TOKEN", TestGateway.ADMIN_TOKEN);
    env.putAll(extraEnv);
    GatewayProcess child = new GatewayProcess(builder.start(), log, port);
    child.awaitLog("Sekisho is ready", 120);
    return child;
  }

  String baseUrl() {
    return "http://localhost:" + port;
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for a line in the child's output (its own progress, not a clock, decides). */
  void awaitLog(String text, int maxSeconds) {
    long deadline = System.currentTimeMillis() + maxSeconds * 1000L;
    while (!log().contains(text)) {
      if (!process.isAlive() && !log().contains(text)) {
        throw new AssertionError("gateway process exited (" + process.exitValue() + ") before '" + text + "':\n" + log());
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no '" + text + "' from the gateway process:\n" + log());
      }
      pause(100);
    }
  }

  int awaitExit() throws InterruptedException {
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("gateway process did not exit:\n" + log());
    }
    return process.exitValue();
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      process.waitFor(120, TimeUnit.SECONDS);
    }
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
