package dev.sekisho.factor.email;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.audit.AuditLog;
import dev.sekisho.factor.MethodUse;
import dev.sekisho.factor.batch.ColumnArrays;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.member.Method;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The email code check: one UPDATE that reads the second-step lock, counts the try and marks the
 * code used in the same statement (a code passes once), writes the method's use, clears the
 * failure count and appends the caller's audit event when it passed. {@link #SINGLE} decides one
 * check (alone, and inside the set-up's transaction); {@link #CHECK} does exactly the same for many
 * members in ONE statement and one commit. A check is the single statement's parameters (member,
 * lock subject, code hash, max tries, and the audit event of a pass: login id, kind, outcome,
 * address, browser; a null kind writes no event, for callers that audit themselves); the code's
 * keyed hash is compared in SQL, so a wrong code and a right one cost the same.
 *
 * <p>The pass's audit event commits with the pass, as TotpApiCheck's does: no second commit per
 * passed check, and no pass without its event (an insert that fails fails the statement, and the
 * code stays unused). Refusals are not audited here: their callers write them as before, after
 * counting the failure.
 * In CHECK, rows meet their check by joins on its place, not by a subquery per row (see TotpApiBatch).
 */
final class EmailCheckBatch implements GroupCommit.Statement<Tuple, EmailCheckBatch.Decided> {
  /**
   * What the statement answers for a check: locked now; else used (the code passed), or null when
   * there was no unused code; and live (the code could still be tried after this try).
   */
  record Decided(boolean locked, Boolean used, Boolean live) {}

  static final String SINGLE = """
      with lock as (select exists (select 1 from login_throttle where subject = $2 and %s) as locked),
      u as (update otp_email_code set tries = tries + 1,
              used = (code_hash = $3 and expires_at > now() and tries < $4)
            where member_id = $1 and not used and not (select locked from lock)
            returning used, expires_at > now() and tries < $4 as live),
      %s,
      c as (delete from login_throttle where subject = $2 and exists (select 1 from u where used)),
      a as (insert into audit_event (%s) select $1, $5::text, $6::text, $7::text, $8::text, $9::text
            from u where u.used and $6::text is not null)
      select (select locked from lock), (select used from u), (select live from u)
      """.formatted(LoginThrottle.BLOCKED, MethodUse.ctes(Method.EMAIL, "exists (select 1 from u where used)"), AuditLog.COLUMNS);

  /** SINGLE per row of the arrays ($1-$8, SINGLE's order without its $4); max tries is the same for every row: $9. */
  static final String CHECK = """
      with i as (select * from unnest($1::bigint[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                 with ordinality as i(member_id, subject, code_hash, login_id, kind, outcome, ip, user_agent, ord)),
      lock as (select i.ord, exists (select 1 from login_throttle where subject = i.subject and %s) as locked from i),
      u as (update otp_email_code o set tries = o.tries + 1,
              used = (o.code_hash = i.code_hash and o.expires_at > now() and o.tries < $9)
            from i join lock k on k.ord = i.ord
            where o.member_id = i.member_id and not o.used and not k.locked
            returning i.ord, i.member_id, o.used, o.expires_at > now() and o.tries < $9 as live),
      %s,
      c as (delete from login_throttle where subject in (select i.subject from i join u using (ord) where u.used)),
      a as (insert into audit_event (%s)
            select i.member_id, i.login_id, i.kind, i.outcome, i.ip, i.user_agent from i join u using (ord)
            where u.used and i.kind is not null order by i.ord)
      select k.locked, u.used, u.live from i join lock k on k.ord = i.ord left join u on u.ord = i.ord order by i.ord
      """.formatted(LoginThrottle.BLOCKED, MethodUse.batchCtes(Method.EMAIL, "select member_id from u where used"),
          AuditLog.COLUMNS);

  /** A check's parameter types (ColumnArrays): member, lock subject, code hash, max tries (shared: CHECK's $9), the event's five. */
  private static final String TYPES = "LSB-SSSSS";

  private final Pool pool;

  EmailCheckBatch(Pool pool) {
    this.pool = pool;
  }

  /**
   * A check's parameters, in SINGLE's order.
   *
   * @param passed the audit event a pass writes with it (its member is the check's); null: none
   */
  static Tuple check(long memberId, String subject, byte[] hash, int maxTries, AuditEvent passed) {
    Tuple check = Tuple.of(memberId, subject, Buffer.buffer(hash), maxTries);
    Object[] audited = passed == null ? new Object[6] : AuditLog.values(passed);
    for (int column = 1; column < audited.length; column++) {
      check.addString((String) audited[column]);  // login id, kind, outcome, ip, user agent: $5-$9
    }
    return check;
  }

  /** The check alone, through the given client (the pool, or the set-up's transaction). */
  static Future<Decided> single(SqlClient client, Tuple check) {
    return client.preparedQuery(SINGLE).execute(check).map(rows -> decided(rows.iterator().next()));
  }

  @Override
  public long subject(Tuple check) {
    return check.getLong(0);
  }

  @Override
  public Future<Decided> one(Tuple check) {
    return single(pool, check);
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
    return new Decided(row.getBoolean(0), row.getBoolean(1), row.getBoolean(2));
  }
}
