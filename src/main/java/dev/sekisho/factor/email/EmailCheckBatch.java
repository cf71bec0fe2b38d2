package dev.sekisho.factor.email;

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
 * code used in the same statement (a code passes once), writes the method's use and clears the
 * failure count when it passed. {@link #SINGLE} decides one check (alone, and inside the set-up's
 * transaction); {@link #CHECK} does exactly the same for many members in ONE statement and one
 * commit. A check is the single statement's parameters (member, lock subject, code hash, max tries);
 * the code's keyed hash is compared in SQL, so a wrong code and a right one cost the same.
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
      c as (delete from login_throttle where subject = $2 and exists (select 1 from u where used))
      select (select locked from lock), (select used from u), (select live from u)
      """.formatted(LoginThrottle.BLOCKED, MethodUse.ctes(Method.EMAIL, "exists (select 1 from u where used)"));

  /** SINGLE per row of the arrays; max tries ($4) is the same for every row. */
  static final String CHECK = """
      with i as (select * from unnest($1::bigint[], $2::text[], $3::bytea[])
                 with ordinality as i(member_id, subject, code_hash, ord)),
      lock as (select i.ord, exists (select 1 from login_throttle where subject = i.subject and %s) as locked from i),
      u as (update otp_email_code o set tries = o.tries + 1,
              used = (o.code_hash = i.code_hash and o.expires_at > now() and o.tries < $4)
            from i join lock k on k.ord = i.ord
            where o.member_id = i.member_id and not o.used and not k.locked
            returning i.ord, i.member_id, o.used, o.expires_at > now() and o.tries < $4 as live),
      %s,
      c as (delete from login_throttle where subject in (select i.subject from i join u using (ord) where u.used))
      select k.locked, u.used, u.live from i join lock k on k.ord = i.ord left join u on u.ord = i.ord order by i.ord
      """.formatted(LoginThrottle.BLOCKED, MethodUse.batchCtes(Method.EMAIL, "select member_id from u where used"));

  /** A check's parameter types (ColumnArrays): member, lock subject, code hash; max tries shared ($4 in CHECK too). */
  private static final String TYPES = "LSB-";

  private final Pool pool;

  EmailCheckBatch(Pool pool) {
    this.pool = pool;
  }

  /** A check's parameters, in SINGLE's order. */
  static Tuple check(long memberId, String subject, byte[] hash, int maxTries) {
    return Tuple.of(memberId, subject, Buffer.buffer(hash), maxTries);
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
