package dev.sekisho.factor.recovery;

import dev.sekisho.factor.batch.ColumnArrays;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.login.LoginThrottle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * A recovery code's use, for many members in ONE statement and one commit (a check alone is the same
 * statement with one member). Per member: the second step's lock read, the conditional UPDATE that
 * spends one unused code among the typed code's hashes (one per key of the ring: codes issued before
 * a key rotation keep working while the old key is kept), and, when a code was spent, the failure
 * count cleared. A code is spent at most once: the UPDATE's {@code used_at is null} is re-checked on
 * the row a concurrent statement has just spent, and two checks of one member never share a batch.
 * Its rows meet their check by joins on its place, not by a subquery per row (see TotpApiBatch).
 *
 * <p>Only a lock or a back-off wait ({@link LoginThrottle#COOLING}) stops a recovery code, not a
 * hold: a recovery code is the member's own way out of a hold (about 10^14 codes per guess, so the
 * rate limits bound it well), and its success clears the hold.
 */
final class RecoveryCheckBatch implements GroupCommit.Statement<RecoveryCheckBatch.Attempt, RecoveryCodes.Spent> {
  /** A check: the member, the second step's lock subject, the typed code's hashes (none: not a code). */
  record Attempt(long memberId, String subject, Buffer[] hashes) {}

  /**
   * $1-$3: one row per (check, hash), the check's position in $4/$5; $4-$5: one row per check
   * (member, lock subject). Each check's hashes are its own rows, as a 2-D array would not unnest
   * row by row.
   */
  static final String CHECK = """
      with i as (select * from unnest($4::bigint[], $5::text[]) with ordinality as i(member_id, subject, ord)),
      h as (select * from unnest($1::bigint[], $2::bigint[], $3::bytea[]) as h(ord, member_id, code_hash)),
      lock as (select i.ord, exists (select 1 from login_throttle where subject = i.subject and %s) as locked from i),
      u as (update otp_recovery_code r set used_at = now() from h join lock k on k.ord = h.ord
            where r.member_id = h.member_id and r.code_hash = h.code_hash and r.used_at is null and not k.locked
            returning h.ord),
      n as (select u.ord, count(*) as spent from u group by u.ord),
      c as (delete from login_throttle where subject in (select i.subject from i where i.ord in (select u.ord from u)))
      select k.locked, coalesce(n.spent, 0) = 1 from lock k left join n on n.ord = k.ord order by k.ord
      """.formatted(LoginThrottle.COOLING);

  /** Parameter types (ColumnArrays) of a hash's row ($1-$3: check's place, member, hash) and of a check's ($4-$5). */
  private static final String HASH_ROW = "LLB";
  private static final String CHECK_ROW = "LS";

  private final Pool pool;

  RecoveryCheckBatch(Pool pool) {
    this.pool = pool;
  }

  @Override
  public long subject(Attempt check) {
    return check.memberId();
  }

  @Override
  public Future<RecoveryCodes.Spent> one(Attempt check) {
    return all(List.of(check)).map(spent -> spent.get(0));
  }

  @Override
  public Future<List<RecoveryCodes.Spent>> all(List<Attempt> checks) {
    List<Tuple> hashRows = new ArrayList<>();
    for (int n = 0; n < checks.size(); n++) {
      for (Buffer hash : checks.get(n).hashes()) {
        hashRows.add(Tuple.of(n + 1L, checks.get(n).memberId(), hash));
      }
    }
    Tuple arrays = ColumnArrays.add(ColumnArrays.of(HASH_ROW, hashRows), CHECK_ROW,
        checks.stream().map(c -> Tuple.of(c.memberId(), c.subject())).toList());
    return pool.preparedQuery(CHECK).execute(arrays).map(rows -> {
      List<RecoveryCodes.Spent> spent = new ArrayList<>(checks.size());
      rows.forEach(row -> spent.add(new RecoveryCodes.Spent(row.getBoolean(0), row.getBoolean(1))));
      return spent;
    });
  }
}
