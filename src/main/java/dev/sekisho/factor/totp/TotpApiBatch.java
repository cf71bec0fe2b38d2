package dev.sekisho.factor.totp;

import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.MethodUse;
import dev.sekisho.factor.batch.ColumnArrays;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Method;
import dev.sekisho.session.PgSessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TotpApiCheck#CHECK} for many sessions in ONE statement and one commit (group commit): each
 * check is a row of parameter arrays, numbered by its place, and every part of the single statement
 * is the same here per row: the session row locked as remembered and live, the lock read, the step
 * advanced only forward, the method's use, the failure count cleared, the session replaced by its
 * successor (its row updated in place to the new id, as the single statement does: same created_at;
 * an ended one is not revived), the audit event. A check is one
 * {@link Tuple} of the single statement's parameters, so a batch that fails as a whole is decided
 * again check by check by that statement, unchanged. {@link GroupCommit} never puts two checks of
 * one member into a batch: the sub-statements share one snapshot and could not see each other.
 *
 * <p>Rows meet rows by joins on their place, never by a subquery per row ({@code (select .. from u
 * where u.ord = i.ord)}): such a subquery scans the whole CTE again for every check, work that grows
 * with the square of the batch (issue 15: a third less PostgreSQL CPU per check for batches of 32,
 * BENCHMARKS.md).
 */
final class TotpApiBatch implements GroupCommit.Statement<Tuple, TotpApiBatch.Outcome> {
  /** What a check's statement answers: the member's credential id now (null: none) and whether it passed. */
  record Outcome(Long credentialId, boolean passed) {}

  /** Parameters $1-$15 are arrays, one element per check, in the single statement's order without its $8. */
  static final String CHECK = """
      with i as (select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bytea[], $7::bytea[],
                   $8::bytea[], $9::bytea[], $10::float8[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                 with ordinality as i(member_id, member_subject, ip_subject, credential_id, step, id_hash, data,
                   new_id_hash, new_data, timeout, login_id, kind, outcome, ip, user_agent, ord)),
      s as (select i.ord, x.created_at from i join http_session x
              on x.id_hash = i.id_hash and x.member_id = i.member_id and x.data = i.data
            where %s for update of x),
      ok as (select i.* from i join s using (ord)
             where not exists (select 1 from login_throttle where subject in (i.member_subject, i.ip_subject) and %s)),
      u as (update otp_totp o set last_step = k.step, last_used_at = now() from ok k
            where o.member_id = k.member_id and o.credential_id = k.credential_id and o.last_step < k.step
            returning k.ord, k.member_id),
      %s,
      c as (delete from login_throttle where subject in (select i.member_subject from i join u using (ord))),
      born as (update http_session x set id_hash = i.new_id_hash, data = i.new_data, expires_at = now() + make_interval(secs => i.timeout),
                   last_used_at = now()
               from i join u using (ord) where x.id_hash = i.id_hash),
      a as (insert into audit_event (%s)
            select i.member_id, i.login_id, i.kind, i.outcome, i.ip, i.user_agent from i join u using (ord) order by i.ord)
      select o.credential_id, u.ord is not null
      from i left join otp_totp o on o.member_id = i.member_id left join u on u.ord = i.ord order by i.ord
      """.formatted(PgSessionStore.live("x", 16), LoginThrottle.BLOCKED,
          MethodUse.batchCtes(Method.TOTP, "select member_id from u"), AuditLog.COLUMNS);

  /**
   * The single statement's parameter types by position (see TotpApiCheck.parameters and
   * ColumnArrays); '-' is its $8, the absolute timeout, one value for all: $16 here.
   */
  private static final String TYPES = "LSSLLBB-BBDSSSSS";

  private final Pool pool;

  TotpApiBatch(Pool pool) {
    this.pool = pool;
  }

  @Override
  public long subject(Tuple check) {
    return check.getLong(0);
  }

  @Override
  public Future<Outcome> one(Tuple check) {
    return pool.preparedQuery(TotpApiCheck.CHECK).execute(check).map(rows -> {
      Row row = rows.iterator().next();
      return new Outcome(row.getLong(2), row.getBoolean(3));
    });
  }

  @Override
  public Future<List<Outcome>> all(List<Tuple> checks) {
    return pool.preparedQuery(CHECK).execute(ColumnArrays.of(TYPES, checks)).map(rows -> {
      List<Outcome> outcomes = new ArrayList<>(checks.size());
      rows.forEach(row -> outcomes.add(new Outcome(row.getLong(0), row.getBoolean(1))));
      return outcomes;
    });
  }
}
