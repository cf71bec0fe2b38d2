package dev.sekisho.session;

import dev.sekisho.factor.batch.ColumnArrays;
import dev.sekisho.factor.batch.GroupCommit;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PgSessionStore#REPLACE} (a later step of a sign-in under a new id: the row still there,
 * still this sign-in's, takes the new id) for many sessions in ONE statement and one commit. Every
 * passed second factor but the OTP API's one-statement TOTP check ends with this write, after its
 * own (batched) check: one commit per renewal, so under load they queued one by one for the WAL
 * (issue 15: in the bench's closed run of email checks, 2.9 of 4.0 active backends waited on
 * {@code LWLock:WALWrite}; batched, 0.9 of 2.0, and 10 % more checks/s on 2 cores). Each
 * row decides exactly as the single statement: no row (the session ended while the request ran,
 * or a new sign-in took its place) gives null, and nothing is revived. A batch that fails as a
 * whole (a new id already taken) is written again session by session by the single statement.
 */
final class SessionRenewalBatch implements GroupCommit.Statement<Tuple, OffsetDateTime> {
  /** REPLACE's parameters $1-$6 as arrays, one element per session; rows meet their session by its place. */
  static final String REPLACE_ALL = """
      with i as (select * from unnest($1::bytea[], $2::bigint[], $3::bytea[], $4::float8[], $5::timestamptz[], $6::bytea[])
                 with ordinality as i(id_hash, member_id, data, timeout, created_at, old_hash, ord)),
      u as (update http_session x set id_hash = i.id_hash, member_id = i.member_id, data = i.data,
                expires_at = now() + make_interval(secs => i.timeout), last_used_at = now()
            from i where x.id_hash = i.old_hash and x.created_at = i.created_at
            returning i.ord, x.created_at)
      select u.created_at from i left join u using (ord) order by i.ord
      """;

  /** REPLACE's parameter types (ColumnArrays): new id hash, member, data, idle timeout, created_at, old id hash. */
  private static final String TYPES = "BLBDTB";

  private final Pool pool;
  private final String single;

  SessionRenewalBatch(Pool pool, String single) {
    this.pool = pool;
    this.single = single;
  }

  /** The member: GroupCommit never puts two writes of one member in a batch (one snapshot could not order them). */
  @Override
  public long subject(Tuple renewal) {
    return renewal.getLong(1);
  }

  @Override
  public Future<OffsetDateTime> one(Tuple renewal) {
    return pool.preparedQuery(single).execute(renewal).map(SessionRenewalBatch::createdAt);
  }

  @Override
  public Future<List<OffsetDateTime>> all(List<Tuple> renewals) {
    return pool.preparedQuery(REPLACE_ALL).execute(ColumnArrays.of(TYPES, renewals)).map(rows -> {
      List<OffsetDateTime> written = new ArrayList<>(renewals.size());
      rows.forEach(row -> written.add(row.getOffsetDateTime(0)));
      return written;
    });
  }

  private static OffsetDateTime createdAt(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0);
  }
}
