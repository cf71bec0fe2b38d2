package dev.sekisho.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to the audit log (the table refuses updates and deletes). A failed audit write is
 * logged, never shown to the member: the action it records has already happened.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final String INSERT = "insert into audit_event (member_id, login_id, kind, outcome, ip, user_agent, detail) "
      + "values ($1, $2, $3, $4, $5, $6, $7)";
  private final Pool pool;
  private final java.util.function.Consumer<AuditEvent> observer;

  public AuditLog(Pool pool) {
    this(pool, event -> { });
  }

  /** observer sees every event recorded through this instance (the metrics count outcomes from it). */
  public AuditLog(Pool pool, java.util.function.Consumer<AuditEvent> observer) {
    this.pool = pool;
    this.observer = observer;
  }

  public Future<Void> record(AuditEvent event) {
    observer.accept(event);
    return record(pool, event).recover(err -> {
      LOG.warn("audit write failed: kind={} outcome={} cause={}", event.kind(), event.outcome(), err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Inside a caller's transaction, so the event commits with the change it records. */
  public static Future<Void> record(SqlClient client, AuditEvent event) {
    return client.preparedQuery(INSERT).execute(Tuple.of(event.memberId(), clip(event.loginId(), 64), event.kind(),
        event.outcome(), clip(event.ip(), 64), clip(event.userAgent(), 300),
        event.detail() == null ? new JsonObject() : event.detail())).mapEmpty();
  }

  /**
   * For an event a caller wrote in its own statement (see {@link #columns}): observers still see
   * it, so the metrics count every outcome whichever way it was written.
   */
  public void written(AuditEvent event) {
    observer.accept(event);
  }

  /** The audit_event columns and values of an event without detail, as the INSERT writes them. */
  public static final String COLUMNS = "member_id, login_id, kind, outcome, ip, user_agent";

  /** The values for {@link #COLUMNS}, clipped as {@link #record} clips them. */
  public static Object[] values(AuditEvent event) {
    return new Object[] {event.memberId(), clip(event.loginId(), 64), event.kind(), event.outcome(), clip(event.ip(), 64),
        clip(event.userAgent(), 300)};
  }

  private static String clip(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
