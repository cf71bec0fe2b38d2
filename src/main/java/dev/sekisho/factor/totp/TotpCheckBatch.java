package dev.sekisho.factor.totp;

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
 * {@link TotpService#CHECK} (the pages' check and the API's ordinary path) for many members in ONE
 * statement and one commit: per row the lock read, the credential compared, the step advanced only
 * forward, the method's use and the failure count cleared, exactly as the single statement does. A
 * check is the single statement's parameters (member, lock subject, credential id, step or null).
 * Its rows meet their check by joins on its place, not by a subquery per row (see TotpApiBatch).
 */
final class TotpCheckBatch implements GroupCommit.Statement<Tuple, TotpCheckBatch.Decided> {
  /** What the statement answers for a check. */
  record Decided(boolean locked, Long credentialId, boolean advanced) {}

  static final String CHECK = """
      with i as (select * from unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
                 with ordinality as i(member_id, subject, credential_id, step, ord)),
      lock as (select i.ord, exists (select 1 from login_throttle where subject = i.subject and %s) as locked from i),
      t as (select i.ord, o.credential_id from i join otp_totp o on o.member_id = i.member_id),
      u as (update otp_totp o set last_step = i.step, last_used_at = now() from i join lock k on k.ord = i.ord
            where o.member_id = i.member_id and o.credential_id = i.credential_id and o.last_step < i.step
              and not k.locked
            returning i.ord, i.member_id),
      %s,
      c as (delete from login_throttle where subject in (select i.subject from i join u using (ord)))
      select k.locked, t.credential_id, u.ord is not null
      from i join lock k on k.ord = i.ord left join t on t.ord = i.ord left join u on u.ord = i.ord order by i.ord
      """.formatted(LoginThrottle.BLOCKED, MethodUse.batchCtes(Method.TOTP, "select member_id from u"));

  /** A check's parameter types (ColumnArrays): member, lock subject, credential id, step (null: no step matched). */
  private static final String TYPES = "LSLL";

  private final Pool pool;

  TotpCheckBatch(Pool pool) {
    this.pool = pool;
  }

  @Override
  public long subject(Tuple check) {
    return check.getLong(0);
  }

  @Override
  public Future<Decided> one(Tuple check) {
    return pool.preparedQuery(TotpService.CHECK).execute(check).map(rows -> decided(rows.iterator().next()));
  }

  @Override
  public Future<List<Decided>> all(List<Tuple> checks) {
    return pool.preparedQuery(CHECK).execute(ColumnArrays.of(TYPES, checks)).map(rows -> {
      List<Decided> decided = new ArrayList<>(checks.size());
      rows.forEach(row -> decided.add(decided(row)));
      return decided;
    });
  }

  private static Decided decided(Row row) {
    return new Decided(row.getBoolean(0), row.getLong(1), row.getBoolean(2));
  }
}
