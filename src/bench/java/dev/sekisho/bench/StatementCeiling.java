package dev.sekisho.bench;

import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.factor.totp.TotpApiCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second database ceiling: pgbench driving the passed TOTP check's own statement
 * ({@link TotpApiCheck#CHECK}), beside the single-row UPDATE. Each pgbench client checks its own
 * member over and over on a chain of sessions (each pass deletes the session and inserts its
 * successor, as the gateway's check does), so every transaction writes what a passed check writes:
 * the step, the method's use, the session's successor, the audit event. The statement's parameters
 * become pgbench expressions (the step is the clock in microseconds, so it always advances; the
 * session ids are SHA-256 of client and round). It also says how many of the transactions passed,
 * so a broken chain cannot pass for a fast one.
 */
final class StatementCeiling {
  record Result(double tps, long passed, long transactions) {}

  private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

  private StatementCeiling() {}

  /** The statement with every $N replaced by a pgbench expression; client c checks member :m. */
  static String script(long credentialOffset) {
    String[] values = {
        null,
        ":m::bigint",                                                                       // $1 member
        "('id-bench-ceiling-' || :m::bigint)",                                              // $2 member's lock subject
        "'ip-127.0.0.1'",                                                           // $3 address's lock subject
        "(:m::bigint + " + credentialOffset + ")",                                          // $4 credential
        "(extract(epoch from clock_timestamp()) * 1000000)::bigint",                // $5 step
        "sha256(('ceiling-' || :client_id::text || '-' || :prev::text)::bytea)",                // $6 the session checked
        "'\\x00'::bytea",                                                           // $7 its row
        "43200",                                                                    // $8 absolute timeout
        "sha256(('ceiling-' || :client_id::text || '-' || :n::text)::bytea)",                   // $9 its successor
        "'\\x00'",                                                                  // $10 the successor's row
        "1800",                                                                     // $11 idle timeout
        "'bench-ceiling'", "'otp.api.verify.totp'", "'ok'", "'127.0.0.1'", "'pgbench'"};  // $12-$16 audit
    String statement = TotpApiCheck.CHECK;
    for (int i = values.length - 1; i >= 1; i--) {
      statement = statement.replace("$" + i, values[i]);
    }
    return "\\set prev :n\n\\set n :n + 1\n\\set m :first + :client_id\n"
        + statement.strip().replaceAll("\\s*\\n\\s*", " ") + ";\n";
  }

  /**
   * Runs the check's statement under pgbench with the given clients, each on its own member from
   * the members from {@code firstMemberId} on (consecutive ids), or returns null (and says why) when it cannot.
   */
  static Result measure(DatabaseTarget db, long firstMemberId, int clients, int seconds, Path work)
      throws SQLException, IOException, InterruptedException {
    long offset;
    long auditBefore;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement s = c.createStatement()) {
      offset = credentialOffset(c, firstMemberId, clients);
      if (offset == Long.MIN_VALUE) {
        System.out.println("  the check's statement: members and credentials not in step, not measured");
        return null;
      }
      s.execute("delete from http_session where member_id between " + firstMemberId + " and " + (firstMemberId + clients - 1));
      s.execute("insert into http_session (id_hash, member_id, data, expires_at, created_at) select "
          + "sha256(('ceiling-' || c || '-0')::bytea), " + firstMemberId + " + c, '\\x00'::bytea, now() + interval '1 hour', now() "
          + "from generate_series(0, " + (clients - 1) + ") c");
      auditBefore = auditCount(s);
    }
    double tps = Ceilings.pgbenchTps(db, "otp-check.sql", script(offset), clients, seconds, work,
        List.of("-D", "n=0", "-D", "first=" + firstMemberId));
    if (Double.isNaN(tps)) {
      return null;
    }
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement s = c.createStatement()) {
      long passed = auditCount(s) - auditBefore;
      s.execute("delete from http_session where member_id between " + firstMemberId + " and " + (firstMemberId + clients - 1));
      Matcher processed = PROCESSED.matcher(Files.readString(work.resolve("otp-check.sql.out")));
      return new Result(tps, passed, processed.find() ? Long.parseLong(processed.group(1)) : -1);
    }
  }

  private static long auditCount(Statement s) throws SQLException {
    try (ResultSet r = s.executeQuery("select count(*) from audit_event where login_id = 'bench-ceiling'")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** credential_id - member_id when it is the same for every client's member, else Long.MIN_VALUE. */
  private static long credentialOffset(Connection c, long firstMemberId, int clients) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("select min(credential_id - member_id), max(credential_id - member_id), count(*) "
        + "from otp_totp where member_id between ? and ?")) {
      p.setLong(1, firstMemberId);
      p.setLong(2, firstMemberId + clients - 1);
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getLong(1) == r.getLong(2) && r.getLong(3) == clients ? r.getLong(1) : Long.MIN_VALUE;
      }
    }
  }

  /**
   * Keeps the TOTP steps as they were before the ceilings: pgbench advances last_step far past any
   * real code's step (to the clock in microseconds), which would refuse every code a later run
   * (a following --target run on the same database) sends. Restored on close.
   */
  static AutoCloseable keepLastSteps(DatabaseTarget db) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement s = c.createStatement()) {
      s.execute("drop table if exists bench_saved_steps");
      s.execute("create table bench_saved_steps as select member_id, last_step, last_used_at from otp_totp");
    }
    return () -> {
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
           Statement s = c.createStatement()) {
        s.execute("update otp_totp t set last_step = b.last_step, last_used_at = b.last_used_at from bench_saved_steps b "
            + "where t.member_id = b.member_id and t.last_step is distinct from b.last_step");
        s.execute("drop table bench_saved_steps");
      }
    };
  }
}
