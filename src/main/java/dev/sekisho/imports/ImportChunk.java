package dev.sekisho.imports;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.MemberRow;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the next chunk of one job's staged rows. The hashes are made first, outside any
 * transaction (seconds of CPU); then one transaction checks that this process still holds the
 * job, upserts the members, deletes the staged rows it applied and advances the job's counters.
 * So the job's progress and the members table always agree, and a job taken over by another
 * process (or this one after a restart) goes on with exactly the rows not yet applied.
 */
final class ImportChunk {
  /** This process no longer holds the job (it stopped, or its lease ran out and another took it): nothing was applied. */
  static final class LostClaim extends RuntimeException {
    LostClaim() {
      super("the import job is no longer held by this process", null, false, false);
    }
  }

  private final Pool pool;
  private final MemberRepository members;
  private final PasswordHasher hasher;
  private final IssuedPasswordRule rule;
  private final SecretBox secrets;
  private final ImportSettings settings;

  ImportChunk(Pool pool, PasswordHasher hasher, IssuedPasswordRule rule, SecretBox secrets, ImportSettings settings) {
    this.pool = pool;
    this.members = new MemberRepository(pool);
    this.hasher = hasher;
    this.rule = rule;
    this.secrets = secrets;
    this.settings = settings;
  }

  /** How many rows the chunk applied; 0 when none were left. */
  Future<Integer> apply(long jobId, String owner) {
    return pool.preparedQuery("""
            select line, login_id, card_symbol, card_number, birthdate, name, email, password_key_id, password_sealed
            from import_job_row where job_id = $1 order by line limit $2""")
        .execute(Tuple.of(jobId, settings.chunkRows()))
        .compose(found -> {
          List<MemberRow> rows = new ArrayList<>(found.size());
          for (Row row : found) {
            rows.add(memberRow(jobId, row));
          }
          return rows.isEmpty() ? Future.succeededFuture(0) : hashAndApply(jobId, owner, rows);
        });
  }

  private MemberRow memberRow(long jobId, Row row) {
    int line = row.getInteger("line");
    Buffer sealed = row.getBuffer("password_sealed");
    String password = sealed == null ? null : new String(secrets.open(row.getString("password_key_id"), sealed.getBytes(),
        ImportJobStore.passwordContext(jobId, line)), StandardCharsets.UTF_8);
    return new MemberRow(line, row.getString("login_id"), row.getString("card_symbol"), row.getString("card_number"),
        row.getLocalDate("birthdate"), row.getString("name"), row.getString("email"), password);
  }

  private Future<Integer> hashAndApply(long jobId, String owner, List<MemberRow> rows) {
    List<String> ids = rows.stream().map(MemberRow::loginId).toList();
    return members.issuedPasswordStillInUse(ids).compose(stillIssued -> {
      // As the synchronous import: a re-import replaces only a password that is still the issued one.
      List<String> toHash = new ArrayList<>(rows.size());
      for (MemberRow row : rows) {
        Boolean issued = stillIssued.get(row.loginId());
        toHash.add(issued == null || issued ? issuedPassword(row) : null);
      }
      return BoundedHashes.hashAll(hasher, toHash, settings.hashesInFlight());
    }).compose(hashes -> commit(jobId, owner, rows, hashes));
  }

  private Future<Integer> commit(long jobId, String owner, List<MemberRow> rows, List<String> hashes) {
    Integer[] lines = rows.stream().map(MemberRow::line).toArray(Integer[]::new);
    int issued = (int) hashes.stream().filter(h -> h != null).count();
    return pool.withTransaction(conn -> conn.preparedQuery(
            "select 1 from import_job where id = $1 and owner = $2 and state = 'running' for update")
        .execute(Tuple.of(jobId, owner))
        .compose(held -> held.size() == 0 ? Future.failedFuture(new LostClaim())
            : MemberRepository.upsert(conn, rows, hashes))
        .compose(inserted -> conn.preparedQuery("delete from import_job_row where job_id = $1 and line = any($2)")
            .execute(Tuple.tuple().addLong(jobId).addArrayOfInteger(lines))
            .compose(deleted -> conn.preparedQuery("""
                    update import_job set done = done + $2, inserted = inserted + $3, updated = updated + $4,
                      passwords_issued = passwords_issued + $5, lease_until = now() + make_interval(secs => $6)
                    where id = $1""")
                .execute(Tuple.of(jobId, rows.size(), inserted, rows.size() - inserted, issued,
                    ImportJobRunner.LEASE_SECONDS)))
            .map(updated -> rows.size())));
  }

  private String issuedPassword(MemberRow row) {
    return row.password() != null ? row.password() : rule.passwordFor(row.cardSymbol(), row.cardNumber(), row.birthdate());
  }
}
