package dev.sekisho.launcher;

import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.testing.TestGateway;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up failures say what is wrong in one line naming the key, and leave nothing behind. */
class StartupMessagesTest {

  @Test
  void aPortInUseNamesTheAddressThePortAndTheKeys() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      // Failed before: only "Address already in use".
      assertThatThrownBy(() -> TestGateway.start(Map.of("http.port", String.valueOf(port))))
          .hasMessageContaining("Cannot listen on 127.0.0.1:" + port + " (http.host SEKISHO_HTTP_HOST, http.port SEKISHO_HTTP_PORT)")
          .hasMessageContaining("Address already in use");
    }
  }

  @Test
  void anUnusableDataDirectorySaysWhy() {
    // Failed before: "Sekisho could not start: /proc/x".
    assertThatThrownBy(() -> EmbeddedPostgres.start(Path.of("/proc/x/postgres"), 0, "sekisho"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("The embedded database cannot use /proc/x/postgres (db.embedded.dataDir (SEKISHO_DB_EMBEDDED_DATA_DIR)): ")
        .hasMessageContaining("/proc/x");
  }

  @Test
  void aRefusedStartLeavesNoFilesBehind() throws Exception {
    Path base = Files.createTempDirectory(Path.of("/tmp"), "sekisho-refused-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      // The server cannot bind its port: the start fails after initdb made a whole cluster.
      assertThatThrownBy(() -> EmbeddedPostgres.start(base.resolve("new/postgres"), taken.getLocalPort(), "sekisho"))
          .isInstanceOf(IOException.class).hasMessageContaining("did not start");
      try (var left = Files.list(base)) {
        assertThat(left).isEmpty();
      }
    } finally {
      Files.deleteIfExists(base);
    }
  }
}
