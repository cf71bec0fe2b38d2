package dev.sekisho.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database outage (server stopped, restarting, unreachable, or too slow to hand out a
 * connection within {@code db.timeoutMs}) from a bug. An outage is answered 503 "try again shortly";
 * a bug stays a logged 500. Nothing is half-written either way: every state change is one statement
 * or one transaction, which PostgreSQL rolls back when the connection dies.
 */
public final class DatabaseFaults {
  private DatabaseFaults() {}

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null
          // 08: connection exceptions; 57P01-57P05: admin/crash shutdown, cannot connect now.
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true;
      }
      // The pool reports a stopped server's closed socket with this text and no dedicated type.
      String message = t.getMessage();
      if (message != null && (message.contains("Connection refused") || message.contains("Connection reset")
          || message.contains("Timeout waiting for connection") || message.contains("Pool closed"))) {
        return true;
      }
    }
    return false;
  }
}
