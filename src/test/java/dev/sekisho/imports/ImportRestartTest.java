package dev.sekisho.imports;

import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 item 2: an import job survives a gateway restart, never half-applied silently. A
 * gateway is stopped while its job runs (small chunks, one hash at a time, so it is mid-way);
 * then exactly the committed chunks are applied and the job waits, held by nobody; a process
 * holding a live lease keeps it from every other; once free, the next gateway resumes it from
 * its last committed chunk, counts and audits the take-over, and applies every row once.
 */
class ImportRestartTest {
  static final Map<String, String> SMALL_CHUNKS = Map.of("import.chunkRows", "10", "import.hashesInFlight", "1");

  @Test
  void aJobStoppedMidwayIsResumedFromItsLastCommittedChunk() throws Exception {
    String prefix = "ir-" + UUID.randomUUID().toString().substring(0, 8);
    int total = 120;
    StringBuilder csv = new StringBuilder(ImportJobTest.header());
    for (int n = 1; n <= total; n++) {
      csv.append(ImportJobTest.line(prefix + "-" + n, "再開 " + n));
    }
    long id;
    TestGateway first = TestGateway.start(SMALL_CHUNKS);
    try {
      HttpResponse<String> queued = new ImportJobClient(first.admin()).post(csv.toString(), false);
      assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
      id = new JsonObject(queued.body()).getLong("id");
      awaitDone(id, 20);
    } finally {
      first.close();
    }

    // Stopped mid-way: the job gave itself up; exactly its committed chunks are in the member table.
    Map<String, Object> stopped = Sql.query("select state, owner, done from import_job where id = ?", id).get(0);
    int done = ((Number) stopped.get("done")).intValue();
    assertThat(stopped.get("state")).isEqualTo("running");
    assertThat(stopped.get("owner")).isNull();
    assertThat(done).isBetween(20, total - 1).matches(d -> d % 10 == 0, "whole chunks");
    assertThat(Sql.count("select count(*) from member where login_id like ?", prefix + "-%")).isEqualTo(done);
    assertThat(Sql.count("select count(*) from import_job_row where job_id = ?", id)).isEqualTo(total - done);

    // Another process holding a live lease (say, one that is still running it) keeps the job.
    Sql.update("update import_job set owner = 'another-process', lease_until = now() + interval '1 hour' where id = ?", id);
    TestGateway second = TestGateway.start(SMALL_CHUNKS);
    try {
      ImportJobClient imports = new ImportJobClient(second.admin());
      Thread.sleep(2500); // more than two polls of the runner
      assertThat(imports.job(id).getJsonObject("progress").getInteger("done")).isEqualTo(done);
      // Its lease runs out (the process died): the next poll takes the job over and resumes it.
      Sql.update("update import_job set lease_until = now() - interval '1 second' where id = ?", id);
      JsonObject finished = imports.await(id, Duration.ofMinutes(3), "done", "failed");
      assertThat(finished.getString("state")).isEqualTo("done");
      assertThat(finished.getInteger("resumes")).isEqualTo(1);
      assertThat(finished.getJsonObject("progress").getInteger("done")).isEqualTo(total);
      assertThat(finished.getJsonObject("result").getInteger("inserted")).isEqualTo(total);
      assertThat(Sql.count("select count(*) from member where login_id like ?", prefix + "-%")).isEqualTo(total);
      assertThat(Sql.count("select count(*) from import_job_row where job_id = ?", id)).isZero();
      assertThat(Sql.count("select count(*) from audit_event where kind = 'admin.imports.resumed' "
          + "and (detail->>'job')::bigint = ? and (detail->>'done')::int = ?", id, done)).isOne();
    } finally {
      second.close();
    }
  }

  /** Waits until the job has applied at least this many rows. */
  private static void awaitDone(long id, int rows) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (((Number) Sql.value("select done from import_job where id = ?", id)).intValue() < rows) {
      assertThat(Instant.now()).as("job %s stuck", id).isBefore(deadline);
      Thread.sleep(100);
    }
  }
}
