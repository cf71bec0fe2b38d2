package dev.sekisho.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The development run on a port another process holds, as an operator sees it: one line, no stack trace. */
class PortInUseTest {

  @Test
  void aPortInUseEndsTheStartWithOneLineNamingAddressPortAndKeys(@TempDir Path dir) throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = dir.resolve("postgres");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ProcessBuilder gateway = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main", "run")).redirectErrorStream(true);
      gateway.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
      gateway.environment().put("SEKISHO_DB_EMBEDDED_DATA_DIR", data.toString());
      gateway.environment().put("SEKISHO_HTTP_PORT", String.valueOf(taken.getLocalPort()));
      gateway.environment().put("SEKISHO_MANAGEMENT_PORT", "0");
      Process run = gateway.start();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(180, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as(output).isEqualTo(1);
      // Failed before: "Address already in use" alone, after a stray PostgreSQL error from a connection
      // the database's stop cut before the verticles holding it were undeployed.
      assertThat(output).contains("Sekisho could not start: Cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + " (http.host SEKISHO_HTTP_HOST, http.port SEKISHO_HTTP_PORT): Address already in use")
          .doesNotContain("Exception");
      assertThat(data.resolve("postmaster.pid")).as("the database stopped again").doesNotExist();
    }
  }
}
