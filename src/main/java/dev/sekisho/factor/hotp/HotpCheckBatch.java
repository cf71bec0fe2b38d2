package dev.sekisho.factor.hotp;

import dev.sekisho.factor.MethodUse;
import dev.sekisho.factor.batch.ColumnArrays;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Method;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The write that decides an HOTP check whose code was found in the window (in Java, from the token
 * read: a code depends on the counter), for many members in ONE statement and one commit: per row
 * the lock read, the counter moved from the value read to past the found code only if nobody moved
 * it in between ({@code counter = expected}, as the check has always done), the method's use and the
 * failure count cleared. A check alone is the same statement with one row. A check is (member,
 * lock subject, counter read, counter after the found code).
 * Its rows meet their check by joins on its place, not by a subquery per row (see TotpApiBatch).
 */
final class HotpCheckBatch implements GroupCommit.Statement<Tuple, HotpCheckBatch.Decided> {
  /** What the statement answers for a check: locked now, or else whether the counter moved. */
  record Decided(boolean locked, boolean advanced) {}

  static final String CHECK = """
      with i as (select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
                 with ordinality as i(member_id, subject, expected, next, ord)),
      lock as (select i.ord, exists (select 1 from login_throttle where subject = i.subject and %s) as locked from i),
      u as (update otp_hotp o set counter = i.next, last_used_at = now() from i join lock k on k.ord = i.ord
            where o.member_id = i.member_id and o.counter = i.expected and not k.locked
            returning i.ord, i.member_id),
      %s,
      c as (delete from login_throttle where subject in (select i.subject from i join u using (ord)))
      select k.locked, u.ord is not null from i join lock k on k.ord = i.ord left join u on u.ord = i.ord order by i.ord
      """.formatted(LoginThrottle.BLOCKED, MethodUse.batchCtes(Method.HOTP, "select member_id from u"));

  /** A check's parameter types (ColumnArrays): member, lock subject, counter read, counter after the found code. */
  private static final String TYPES = "LSLL";

  private final Pool pool;

  HotpCheckBatch(Pool pool) {
    this.pool = pool;
  }

  @Override
  public long subject(Tuple check) {
    return check.getLong(0);
  }

  @Override
  public Future<Decided> one(Tuple check) {
    return all(List.of(check)).map(decided -> decided.get(0));
  }

  @Override
  public Future<List<Decided>> all(List<Tuple> checks) {
    return pool.preparedQuery(CHECK).execute(ColumnArrays.of(TYPES, checks)).map(rows -> {
      List<Decided> decided = new ArrayList<>(checks.size());
      rows.forEach(row -> decided.add(new Decided(row.getBoolean(0), row.getBoolean(1))));
      return decided;
    });
  }
}
