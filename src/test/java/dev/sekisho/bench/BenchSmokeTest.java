package dev.sekisho.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of the benchmark (seconds per scenario, two gateway processes sharing its embedded
 * PostgreSQL): it runs every scenario, prints the table and the ceilings, and no TOTP code was
 * accepted twice. No speed is asserted: figures on a shared CI machine mean nothing.
 */
class BenchSmokeTest {
  @TempDir
  Path work;

  @Test
  void benchRunsEveryScenarioAcrossTwoGatewaysAndNoCodeIsAcceptedTwice() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      status = BenchCommand.run(new String[] {"bench", "--members", "200", "--gateways", "2", "--seconds", "1.5",
          "--warmup", "0", "--callers", "4", "--pgbench-seconds", "1", "--argon2-seconds", "1",
          "--otp-sessions-per-second", "1000", "--live-sessions", "3000", "--work", work.toString()}, out);
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(output);
    assertThat(status).as(output).isZero();
    assertThat(output).contains("scenario", "p99.9 ms", "cpu ms/req", "RSS MB")
        .contains("a totp-check", "b email-check", "c login+totp", "d proxied", "upstream direct", "e forward-auth",
            "a totp-check +logins")
        .contains("Gateway 0", "Gateway 1")
        // The portal runs in a process of its own; its CPU is reported beside the proxy runs.
        .contains("Demo upstream (pid", "d proxied: upstream process CPU", "CPU per proxied request: gateway")
        .contains("Argon2id m=")
        .containsPattern("CPU by part \\(cores of [0-9]+\\): load generator [0-9.]+ .*gateways [0-9.]+, PostgreSQL [0-9.]+.*idle [0-9.]+")
        .containsPattern("waiting for a core \\(run queue, in cores\\): load generator [0-9.]+, gateways [0-9.]+, PostgreSQL [0-9.]+")
        .containsPattern("load generator's own delay \\(in the latencies above\\): requests sent p50 [0-9.]+, p99 [0-9.]+, max [0-9.]+ ms"
            + " after due; its GC: [0-9]+ collections, [0-9]+ ms")
        .contains("Live sessions in the database: 3000")
        // The TOTP checks took the one-statement path (the client asked for its methods first).
        .containsPattern("passed checks by path \\{[^}]*warm=[1-9]")
        // How group commit shaped each code check's closed run, from the gateways' batch-size metric.
        .containsPattern("group commit during the closed run: (.*; )?totp-api [0-9.]+ checks per statement, [0-9]+ statements/s")
        .containsPattern("group commit during the closed run: (.*; )?email [0-9.]+ checks per statement, [0-9]+ statements/s; "
            + "session-renewal [0-9.]+ checks per statement")
        .containsPattern("Replay check: [1-9][0-9]* TOTP codes accepted across 2 gateway\\(s\\), 0 accepted twice");
    // Every scenario worked: each row's "errors" column (after ok and refused) is 0. A run that
    // locks itself out or fails its requests is no benchmark.
    java.util.regex.Matcher row = java.util.regex.Pattern
        .compile("(?m)^([a-e] [a-z+-]+(?: \\+[a-z]+)?|upstream direct)\\s+(closed c=\\d+|open \\d+/s)\\s+\\d+\\s+\\d+\\s+\\d+\\s+(\\d+)\\s")
        .matcher(output);
    int rows = 0;
    while (row.find()) {
      rows++;
      assertThat(row.group(3)).as("errors of %s %s", row.group(1), row.group(2)).isEqualTo("0");
    }
    assertThat(rows).as("table rows").isGreaterThanOrEqualTo(10);
  }

  @Test
  void badOptionsAreRefusedWithTheUsage() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      status = BenchCommand.run(new String[] {"bench", "--members", "5"}, out);
    }
    assertThat(status).isEqualTo(2);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("--members must be between").contains("--gateways 1|2");
  }
}
