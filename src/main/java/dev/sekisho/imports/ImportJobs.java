package dev.sekisho.imports;

import dev.sekisho.member.MemberImporter;
import io.vertx.core.Future;

import java.nio.file.Path;
import java.util.List;

/**
 * What the JSON API and the console do with import jobs: check an uploaded file (the dry-run,
 * which changes no member) and record it as a job, start a checked job, read jobs. The work
 * itself is {@link ImportJobRunner}'s, in whichever gateway process claims the job.
 */
public final class ImportJobs {
  private final MemberImporter importer;
  private final ImportJobStore store;

  public ImportJobs(MemberImporter importer, ImportJobStore store) {
    this.importer = importer;
    this.store = store;
  }

  /**
   * Checks the file and records the job: rejected when a line is bad, else checked (a dry-run) or
   * queued at once when {@code start}. Fails with ImportNotUtf8 when the file is not UTF-8.
   *
   * @param staffId who uploaded it (null: the bootstrap admin token)
   */
  public Future<ImportJob> check(Path file, String fileName, String staffId, boolean start) {
    return importer.checkFile(file)
        .compose(checked -> store.create(checked, fileName, staffId, start))
        .compose(store::find);
  }

  /** Queues a checked job; false when it cannot start (rejected, started already, discarded). */
  public Future<Boolean> start(long id, String staffId) {
    return store.start(id, staffId);
  }

  public Future<ImportJob> find(long id) {
    return store.find(id);
  }

  public Future<List<ImportJob>> recent(int limit) {
    return store.recent(limit);
  }
}
