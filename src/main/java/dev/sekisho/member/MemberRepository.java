package dev.sekisho.member;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQL for the member table. Every method is one statement or one transaction. */
public final class MemberRepository {
  private final Pool pool;

  public MemberRepository(Pool pool) {
    this.pool = pool;
  }

  /** The member with this normalised login ID, or null. */
  public Future<Member> findByLoginId(String loginId) {
    return pool.preparedQuery("select " + Member.COLUMNS + " from member where login_id = $1")
        .execute(Tuple.of(loginId))
        .map(rows -> rows.size() == 0 ? null : Member.from(rows.iterator().next()));
  }

  public Future<Member> findById(long id) {
    return pool.preparedQuery("select " + Member.COLUMNS + " from member where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : Member.from(rows.iterator().next()));
  }

  /** For each login ID already loaded: whether its password is still the issued one. */
  public Future<Map<String, Boolean>> issuedPasswordStillInUse(List<String> loginIds) {
    return pool.preparedQuery("select login_id, password_must_change from member where login_id = any($1)")
        .execute(Tuple.of(loginIds.toArray(String[]::new)))
        .map(rows -> {
          Map<String, Boolean> out = new HashMap<>();
          for (Row row : rows) {
            out.put(row.getString(0), row.getBoolean(1));
          }
          return out;
        });
  }

  /**
   * Inserts or updates every row in one transaction: all or nothing.
   *
   * @param passwordHashes per row, the hash to set (issued, must change) or null to keep the
   *                       member's current password
   * @return how many rows were inserted (the rest were updated)
   */
  public Future<Integer> upsertAll(List<MemberRow> rows, List<String> passwordHashes) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.withTransaction(conn -> upsert(conn, rows, passwordHashes));
  }

  /** As {@link #upsertAll}, inside a transaction the caller holds (an import job's chunk). */
  public static Future<Integer> upsert(SqlClient conn, List<MemberRow> rows, List<String> passwordHashes) {
    List<Tuple> batch = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      MemberRow r = rows.get(i);
      String hash = passwordHashes.get(i);
      batch.add(Tuple.tuple().addString(r.loginId()).addString(r.cardSymbol()).addString(r.cardNumber())
          .addLocalDate(r.birthdate()).addString(r.name()).addString(r.email())
          // A placeholder that can never verify stands in when the current password is kept.
          .addString(hash == null ? "!" : hash).addBoolean(hash != null));
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture(0);
    }
    String sql = """
        insert into member (login_id, card_symbol, card_number, birthdate, name, email, password_hash, password_must_change)
        values ($1, $2, $3, $4, $5, $6, $7, true)
        on conflict (login_id) do update set
          card_symbol = excluded.card_symbol, card_number = excluded.card_number,
          birthdate = excluded.birthdate, name = excluded.name, email = excluded.email,
          password_hash = case when $8 then excluded.password_hash else member.password_hash end,
          password_must_change = case when $8 then true else member.password_must_change end,
          updated_at = now()
        returning (xmax = 0) as inserted
        """;
    return conn.preparedQuery(sql).executeBatch(batch).map(MemberRepository::countInserted);
  }

  private static int countInserted(RowSet<Row> result) {
    int inserted = 0;
    for (RowSet<Row> rs = result; rs != null; rs = rs.next()) {
      for (Row row : rs) {
        if (row.getBoolean(0)) {
          inserted++;
        }
      }
    }
    return inserted;
  }

  public Future<Void> recordLogin(long memberId) {
    return pool.preparedQuery("update member set last_login_at = now() where id = $1")
        .execute(Tuple.of(memberId)).mapEmpty();
  }

  /** The page language of a login, kept for the member's mails (a statement that changes nothing when it is the same). */
  public Future<Void> rememberLanguage(long memberId, String language) {
    return MemberContact.rememberLanguage(pool, memberId, language);
  }

  /** The member must replace the password before the portal (the gate of GatewayAccess). */
  public Future<Void> requirePasswordChange(long memberId) {
    return pool.preparedQuery("update member set password_must_change = true, updated_at = now() where id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(memberId)).mapEmpty();
  }
}
