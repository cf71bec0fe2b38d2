package dev.sekisho.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bench says what it measured (issue 15 item 5): a dead gateway stops it instead of being
 * measured as a fast one, and its ratios count only the work the ceilings measure (its children's
 * ports: LocalPortsTest).
 */
class BenchHonestyTest {

  @Test
  void aChildThatHasExitedStopsTheBenchNamingItAndItsLog() throws Exception {
    Path log = Files.createTempFile("bench-child-", ".log");
    Process failed = new ProcessBuilder("sh", "-c",
        "echo 'Sekisho could not start: Cannot listen on 127.0.0.1:4711: Address already in use'; exit 3")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(failed.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> ChildProcesses.requireRunning("gateway 0", GatewayProcess.of(failed, 4711, log)))
        .isInstanceOf(ChildProcesses.Exited.class)
        .hasMessageContaining("gateway 0 (pid " + failed.pid() + ", port 4711) has exited with status 3")
        .hasMessageContaining(log.toString())
        .hasMessageContaining("Address already in use");
  }

  @Test
  void aRunningChildPasses() throws Exception {
    Path log = Files.createTempFile("bench-child-", ".log");
    Process running = new ProcessBuilder("sleep", "60").redirectOutput(log.toFile()).start();
    try {
      ChildProcesses.requireRunning("the demo upstream", GatewayProcess.of(running, 4712, log));
      ChildProcesses.requireRunning("no upstream (--target)", null);
    } finally {
      running.destroyForcibly().waitFor();
    }
  }

  @Test
  void ratiosCountPassedChecksNotErrorsOrReplays() {
    // A gateway that died answers nothing but connection errors, faster than any gateway checks codes.
    RunResult deadGateway = run("a totp-check", "closed c=32", 41_691, 0, 0, 41_691);
    RunResult replays = run("a totp-check", "open 400/s", 400, 100, 300, 0);
    RunResult logins = run("c login+totp", "closed c=32", 70, 63, 0, 7);
    String out = ratios(Map.of("a totp-check/closed", deadGateway, "a totp-check/open", replays, "c login+totp/closed", logins),
        18_000, 70, new StatementCeiling.Result(6_000, 60_000, 60_000));

    assertThat(out)
        .contains("OTP checks/s 0 = 0.00 x pgbench 18000 TPS [>= 1.0] (0 refused and 41691 errors of 41691 not counted)")
        .contains("OTP checks/s 0 = 0.00 x pgbench 6000 TPS of the check's own statement")
        .contains("(the latencies include 300 refused and 0 errors)")
        .contains("logins/s 63.0 = 0.90 x Argon2id ceiling 70.0 hashes/s [>= 0.85] (0 refused and 7 errors of 70 not counted)");
  }

  @Test
  void aRunWithNothingRefusedPrintsItsRatiosPlainly() {
    RunResult clean = run("a totp-check", "closed c=32", 6_300, 6_300, 0, 0);
    String out = ratios(Map.of("a totp-check/closed", clean), 18_000, 70, null);

    assertThat(out).contains("OTP checks/s 6300 = 0.35 x pgbench 18000 TPS [>= 1.0]\n").doesNotContain("not counted");
  }

  private static RunResult run(String scenario, String model, long requests, long ok, long refused, long errors) {
    Histogram latency = new Histogram(60_000_000L, 3);
    latency.recordValue(5_000);
    return new RunResult(scenario, model, requests, ok, refused, errors, 1.0, latency, 0.1, 250L << 20);
  }

  private static String ratios(Map<String, RunResult> byKey, double pgbench, double argon2, StatementCeiling.Result statement) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    new CeilingRatios(out, byKey, Map.of(), List.copyOf(byKey.values()), List.of(), 0).print(pgbench, argon2, statement);
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
