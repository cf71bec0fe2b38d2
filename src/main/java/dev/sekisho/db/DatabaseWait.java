package dev.sekisho.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Waits at start-up for an external database that is not up yet (started beside the gateway, it
 * often comes up later): one line per attempt, back-off doubling to 30 s, for db.startupWaitSeconds;
 * then one clear line. What waiting cannot mend (a refused password or certificate, no TLS where it
 * is required, a missing database) fails at once. Blocking: call on a worker thread.
 */
public final class DatabaseWait {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseWait.class);
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

  private DatabaseWait() {}

  /** Returns once a connection opens; otherwise throws {@link Unreachable} with one line for the operator. */
  public static void untilReachable(DatabaseTarget target, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    Duration pause = FIRST_PAUSE;
    for (int attempt = 1; ; attempt++) {
      String problem;
      try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
        return;
      } catch (SQLException e) {
        String permanent = permanentProblem(target, e);
        if (permanent != null) {
          throw new Unreachable("Cannot use the database " + target + ": " + permanent);
        }
        problem = oneLine(e.getMessage());
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new Unreachable("The database " + target + " did not answer within " + patience.toSeconds()
            + " s (db.startupWaitSeconds): " + problem);
      }
      Duration wait = Duration.ofNanos(Math.min(pause.toNanos(), left));
      LOG.warn("Database {} not reachable (attempt {}): {}; next try in {} s", target, attempt, problem,
          Math.max(1, wait.toSeconds()));
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Unreachable("Stopped while waiting for the database " + target);
      }
      pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
    }
  }

  /** What no wait mends, in words naming the key to change; null for what may pass (a server still starting). */
  static String permanentProblem(DatabaseTarget target, SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (message.contains("does not support SSL")) {
      return "the server does not offer TLS, and sslmode is " + target.tls().mode().value
          + " (db.sslMode or the URL's sslmode): turn TLS on at the server";
    }
    if (message.contains("SSL error") || message.contains("PKIX") || message.contains("certificate")) {
      return "its TLS certificate was refused for sslmode " + target.tls().mode().value
          + (target.tls().rootCert().isEmpty() ? "" : " with the root certificate " + target.tls().rootCert()
          + " (db.sslRootCert)") + ": " + oneLine(message);
    }
    if (state.startsWith("28")) {
      return "it refused the login (check db.user and db.password, or the URL's user and password): " + oneLine(message);
    }
    if (state.equals("3D000")) {
      return oneLine(message) + " (db.database or the URL's database name)";
    }
    return null;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("").trim();
  }

  /** The database cannot be used: the message is the one line start-up prints. */
  public static final class Unreachable extends RuntimeException {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }
}
