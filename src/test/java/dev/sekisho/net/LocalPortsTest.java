package dev.sekisho.net;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** Servers started here (the embedded PostgreSQL, the bench's and the tests' children) get ports no outgoing connection can take. */
class LocalPortsTest {

  @Test
  void portsAreBelowTheEphemeralRangeAndNothingHoldsThem() throws Exception {
    int[] range = LocalPorts.ephemeralRange();
    assertThat(range[0]).isLessThanOrEqualTo(range[1]);
    for (int i = 0; i < 20; i++) {
      int port = LocalPorts.unused();
      if (range[0] - LocalPorts.LOWEST >= 1_000) {
        assertThat(port).isBetween(LocalPorts.LOWEST, range[0] - 1);
      }
      try (ServerSocket listener = new ServerSocket()) {
        listener.bind(new InetSocketAddress("127.0.0.1", port));
        assertThat(listener.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
