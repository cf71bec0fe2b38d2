package dev.sekisho.db;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An external database that never comes up: attempts, then one clear line (not a Flyway stack trace). */
class DatabaseWaitTest {

  @Test
  void aDatabaseThatDoesNotAnswerEndsInOneLineNamingTheWait() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DatabaseTarget nobody = new DatabaseTarget("127.0.0.1", closedPort, "sekisho", "sekisho", "pw");
    // Failed before: start-up ran Flyway at once, which failed with ~55 lines of stack trace.
    assertThatThrownBy(() -> DatabaseWait.untilReachable(nobody, Duration.ofSeconds(2)))
        .isInstanceOf(DatabaseWait.Unreachable.class)
        .hasMessage("The database postgresql://sekisho@127.0.0.1:" + closedPort + "/sekisho did not answer within 2 s"
            + " (db.startupWaitSeconds): Connection to 127.0.0.1:" + closedPort + " refused. Check that the hostname and port"
            + " are correct and that the postmaster is accepting TCP/IP connections.")
        .hasNoCause();
  }
}
