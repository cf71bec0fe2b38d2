package dev.sekisho.imports;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/**
 * Runs queued import jobs, one at a time per gateway process, chunk by chunk ({@link ImportChunk}).
 * A job is claimed with FOR UPDATE SKIP LOCKED and held by a lease this process renews while it
 * works; so of several gateway processes exactly one runs a job.
 *
 * <p>A restart never leaves a job half-applied silently: it is resumed. When this verticle stops
 * (gateway shutdown) it gives its job up at once; when its process dies, the lease
 * ({@value #LEASE_SECONDS} s) runs out. Either way the next process that polls (or this one,
 * restarted) takes the job over, counts the take-over in {@code resumes}, audits it
 * ({@code admin.imports.resumed}) and goes on from its last committed chunk.
 */
public final class ImportJobRunner extends VerticleBase {
  static final int LEASE_SECONDS = 60;
  private static final Logger LOG = LoggerFactory.getLogger(ImportJobRunner.class);
  private static final long POLL_MILLIS = 1000;
  private static final long SWEEP_MILLIS = 10 * 60 * 1000;
  private static final String CLAIM = """
      with next as (
        select id from import_job
        where state = 'queued' or (state = 'running' and (owner is null or lease_until < now()))
        order by id limit 1
        for update skip locked)
      update import_job j set
        resumes = j.resumes + case when j.state = 'running' then 1 else 0 end,
        state = 'running', owner = $1, lease_until = now() + make_interval(secs => $2),
        started_at = coalesce(j.started_at, now())
      from next where j.id = next.id
      returning j.id, j.resumes, j.done, j.total, j.started_by, (j.resumes > 0 and j.state = 'running') as resumed
      """;

  private final DatabaseTarget database;
  private final ImportSettings settings;
  private final PasswordHasher hasher;
  private final IssuedPasswordRule rule;
  private final SecretBox secrets;
  /** Names this process (and this deployment) in import_job.owner. */
  private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
  private Pool pool;
  private AuditLog audit;
  private ImportChunk chunks;
  private boolean busy;
  private boolean stopping;
  private long pollTimer;
  private long sweepTimer;

  public ImportJobRunner(DatabaseTarget database, ImportSettings settings, PasswordHasher hasher, IssuedPasswordRule rule,
                         SecretBox secrets) {
    this.database = database;
    this.settings = settings;
    this.hasher = hasher;
    this.rule = rule;
    this.secrets = secrets;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, 2);
    audit = new AuditLog(pool);
    chunks = new ImportChunk(pool, hasher, rule, secrets, settings);
    pollTimer = vertx.setPeriodic(0, POLL_MILLIS, id -> poll());
    sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> discardStaleChecks());
    return Future.succeededFuture();
  }

  /** Gives the job up for the next process (or this one restarted) to resume, then closes the pool. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(sweepTimer);
    return pool.preparedQuery("update import_job set owner = null, lease_until = null where owner = $1 and state = 'running'")
        .execute(Tuple.of(owner))
        .onFailure(err -> LOG.warn("Could not give up the import job; it is resumed once its lease ends: {}", err.getMessage()))
        .transform(released -> pool.close());
  }

  private void poll() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(owner, LEASE_SECONDS)))
        .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture() : run(claimed.iterator().next()))
        .onComplete(done -> {
          busy = false;
          if (done.failed() && !stopping) {
            LOG.warn("Import job poll failed: {}", done.cause().getMessage());
          }
        });
  }

  private Future<Void> run(Row claimed) {
    long id = claimed.getLong("id");
    String staff = claimed.getString("started_by");
    Future<Void> announced = Future.succeededFuture();
    if (claimed.getBoolean("resumed")) {
      LOG.info("Resuming import job {} at row {} of {}", id, claimed.getInteger("done"), claimed.getInteger("total"));
      announced = event(id, staff, "admin.imports.resumed", "ok",
          new JsonObject().put("done", claimed.getInteger("done")).put("total", claimed.getInteger("total")));
    }
    long renew = vertx.setPeriodic(LEASE_SECONDS * 1000L / 4, t -> pool.preparedQuery(
            "update import_job set lease_until = now() + make_interval(secs => $3) where id = $1 and owner = $2")
        .execute(Tuple.of(id, owner, LEASE_SECONDS)));
    return announced.compose(v -> nextChunk(id))
        .compose(v -> finish(id, staff, "done", null))
        .recover(err -> stopping || err instanceof ImportChunk.LostClaim ? Future.succeededFuture()
            : finish(id, staff, "failed", err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage()))
        .onComplete(v -> vertx.cancelTimer(renew));
  }

  private Future<Void> nextChunk(long id) {
    if (stopping) {
      return Future.failedFuture(new ImportChunk.LostClaim());
    }
    return chunks.apply(id, owner).compose(applied -> applied == 0 ? Future.succeededFuture() : nextChunk(id));
  }

  /**
   * Ends the job (done, or failed with the reason and how far it got: the counters are those of the
   * committed chunks) and drops any staged rows left: a failed job is not retried on its own; the
   * staff member sees where it stopped and imports the file again (re-importing is idempotent).
   */
  private Future<Void> finish(long id, String staff, String state, String error) {
    LOG.info("Import job {} {}{}", id, state, error == null ? "" : ": " + error);
    return pool.withTransaction(conn -> conn.preparedQuery("""
                update import_job set state = $3, error = $4, finished_at = now(), owner = null, lease_until = null
                where id = $1 and owner = $2
                returning done, total, inserted, updated, passwords_issued""")
            .execute(Tuple.of(id, owner, state, error))
            .compose(ended -> ended.size() == 0 ? Future.succeededFuture((JsonObject) null)
                : conn.preparedQuery("delete from import_job_row where job_id = $1").execute(Tuple.of(id))
                    .map(deleted -> ended.iterator().next().toJson())))
        .compose(counts -> counts == null ? Future.succeededFuture()
            : event(id, staff, "admin.imports." + state, "done".equals(state) ? "ok" : "error",
                counts.put("error", error)));
  }

  private Future<Void> event(long id, String staff, String kind, String outcome, JsonObject detail) {
    JsonObject named = detail.copy().put("job", id).put("via", "import-job");
    if (staff != null) {
      named.put("staff", staff);
    }
    return audit.record(AuditEvent.of(null, null, kind, outcome, new AuditEvent.Client(null, null)).with(named));
  }

  /** A dry-run nobody started within a day is dropped with its staged rows (and their sealed passwords). */
  private void discardStaleChecks() {
    pool.query("""
            with gone as (update import_job set state = 'discarded'
                          where state = 'checked' and created_at < now() - interval '1 day' returning id)
            delete from import_job_row where job_id in (select id from gone)""")
        .execute()
        .onFailure(err -> LOG.warn("Could not discard old import checks: {}", err.getMessage()));
  }
}
