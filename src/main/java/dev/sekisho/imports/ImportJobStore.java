package dev.sekisho.imports;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.member.ImportProblem;
import dev.sekisho.member.MemberCsv;
import dev.sekisho.member.MemberRow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL of the import_job and import_job_row tables, except the running of a job
 * ({@link ImportJobRunner}). A checked file's valid rows are staged with the job in one transaction,
 * in batches, so a job exists whole or not at all.
 */
public final class ImportJobStore {
  private static final int STAGE_BATCH = 1000;

  private final Pool pool;
  private final SecretBox secrets;

  public ImportJobStore(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** The AES-GCM context of a staged password: sealed for this job's line, it opens nowhere else. */
  static String passwordContext(long jobId, int line) {
    return "import:" + jobId + ":" + line;
  }

  /**
   * Records a checked file: state rejected when it has a bad line (nothing staged), otherwise
   * checked, or queued at once when {@code queue} (started by {@code staffId}).
   */
  public Future<Long> create(MemberCsv.Checked checked, String fileName, String staffId, boolean queue) {
    List<MemberRow> rows = checked.problemCount() > 0 ? List.of() : checked.rows();
    String[] ids = checked.rows().stream().map(MemberRow::loginId).toArray(String[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery("select count(*) from member where login_id = any($1)")
        .execute(Tuple.of(ids))
        .compose(existing -> {
          int toUpdate = existing.iterator().next().getLong(0).intValue();
          String state = checked.problemCount() > 0 ? "rejected" : queue ? "queued" : "checked";
          return conn.preparedQuery("""
                  insert into import_job (state, file_name, checked_by, started_by, total, to_insert, to_update, refused,
                                          problems, queued_at)
                  values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, case when $1 = 'queued' then now() end)
                  returning id""")
              .execute(Tuple.tuple().addString(state).addString(fileName).addString(staffId)
                  .addString(queue && rows.size() > 0 ? staffId : null).addInteger(checked.rows().size())
                  .addInteger(checked.rows().size() - toUpdate).addInteger(toUpdate).addInteger(checked.problemCount())
                  .addString(problems(checked.problems()).encode()));
        })
        .compose(inserted -> {
          long id = inserted.iterator().next().getLong(0);
          return stage(conn, id, rows, 0).map(id);
        }));
  }

  private Future<Void> stage(SqlConnection conn, long jobId, List<MemberRow> rows, int from) {
    if (from >= rows.size()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(STAGE_BATCH);
    for (MemberRow r : rows.subList(from, Math.min(rows.size(), from + STAGE_BATCH))) {
      byte[] sealed = r.password() == null ? null
          : secrets.seal(r.password().getBytes(StandardCharsets.UTF_8), passwordContext(jobId, r.line()));
      batch.add(Tuple.tuple().addLong(jobId).addInteger(r.line()).addString(r.loginId()).addString(r.cardSymbol())
          .addString(r.cardNumber()).addLocalDate(r.birthdate()).addString(r.name()).addString(r.email())
          .addString(sealed == null ? null : secrets.activeKeyId()).addValue(sealed == null ? null : io.vertx.core.buffer.Buffer.buffer(sealed)));
    }
    return conn.preparedQuery("""
            insert into import_job_row (job_id, line, login_id, card_symbol, card_number, birthdate, name, email,
                                        password_key_id, password_sealed)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
        .executeBatch(batch)
        .compose(done -> stage(conn, jobId, rows, from + STAGE_BATCH));
  }

  private static JsonArray problems(List<ImportProblem> problems) {
    JsonArray out = new JsonArray();
    for (ImportProblem p : problems) {
      out.add(new JsonObject().put("line", p.line()).put("reason", p.reason()));
    }
    return out;
  }

  /** The job, or null. */
  public Future<ImportJob> find(long id) {
    return pool.preparedQuery("select " + ImportJob.COLUMNS + " from import_job where id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : ImportJob.from(rows.iterator().next()));
  }

  /** The latest jobs, newest first. */
  public Future<List<ImportJob>> recent(int limit) {
    return pool.preparedQuery("select " + ImportJob.COLUMNS + " from import_job order by id desc limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<ImportJob> out = new ArrayList<>();
          for (Row row : rows) {
            out.add(ImportJob.from(row));
          }
          return out;
        });
  }

  /** Queues a checked job; false when it is not (any more) in state checked: started twice, rejected, unknown. */
  public Future<Boolean> start(long id, String staffId) {
    return pool.preparedQuery("""
            update import_job set state = 'queued', queued_at = now(), started_by = $2
            where id = $1 and state = 'checked' returning id""")
        .execute(Tuple.of(id, staffId)).map(rows -> rows.size() == 1);
  }
}
