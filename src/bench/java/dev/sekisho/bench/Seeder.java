package dev.sekisho.bench;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Writes the benchmark's members straight into PostgreSQL with COPY (no HTTP, no per-row hashing):
 * members past onboarding with TOTP set up exactly as the OTP package stores it (secret sealed by
 * {@link SecretBox} under the context "totp:&lt;memberId&gt;"), the onboarding columns filled, and
 * a member_method row. Every member shares one Argon2id hash of {@link BenchMembers#PASSWORD}.
 */
final class Seeder {
  private static final int CHUNK = 50_000;

  private Seeder() {}

  static BenchMembers seed(DatabaseTarget db, int count, String passwordHash, String termsVersion, SecretBox box)
      throws SQLException, IOException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        // A previous run's members (and, by cascade, their sessions, keys and codes) go first.
        s.execute("delete from member where login_id like '" + BenchMembers.PREFIX + "%'");
        s.execute("delete from login_throttle where subject like 'id:" + BenchMembers.PREFIX + "%'");
      }
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (int from = 0; from < count; from += CHUNK) {
        StringBuilder rows = new StringBuilder();
        for (int i = from; i < Math.min(count, from + CHUNK); i++) {
          rows.append(BenchMembers.loginId(i)).append('\t').append("99").append('\t').append(i).append('\t')
              .append("1980-04-01").append('\t').append("ベンチ 太郎").append('\t')
              .append(BenchMembers.loginId(i)).append("@bench.example.jp").append('\t').append(passwordHash).append('\n');
        }
        copy.copyIn("copy member (login_id, card_symbol, card_number, birthdate, name, email, password_hash) from stdin",
            new StringReader(rows.toString()));
      }
      try (Statement s = c.createStatement()) {
        // The onboarding columns as a member who finished onboarding and set TOTP up has them.
        s.executeUpdate("update member set password_must_change = false, onboarding_state = 'method_set_up', "
            + "chosen_method = 'totp', birthdate_verified_at = now(), terms_version = '" + termsVersion.replace("'", "''")
            + "', terms_accepted_at = now(), email_confirmed_at = now(), password_changed_at = now(), onboarded_at = now(), "
            + "setup_deadline = now() + interval '14 days' where login_id like '" + BenchMembers.PREFIX + "%'");
      }
      long[] ids = new long[count];
      try (Statement s = c.createStatement();
           ResultSet r = s.executeQuery("select id from member where login_id like '" + BenchMembers.PREFIX
               + "%' order by login_id")) {
        int i = 0;
        while (r.next()) {
          ids[i++] = r.getLong(1);
        }
        if (i != count) {
          throw new IllegalStateException("seeded " + i + " members, expected " + count);
        }
      }
      BenchMembers members = new BenchMembers(ids);
      HexFormat hex = HexFormat.of();
      for (int from = 0; from < count; from += CHUNK) {
        StringBuilder totp = new StringBuilder();
        StringBuilder methods = new StringBuilder();
        for (int i = from; i < Math.min(count, from + CHUNK); i++) {
          byte[] sealed = box.seal(BenchMembers.secret(i), "totp:" + ids[i]);
          totp.append(ids[i]).append('\t').append(box.activeKeyId()).append("\t\\\\x").append(hex.formatHex(sealed))
              .append("\tSHA1\t").append(BenchMembers.DIGITS).append('\t').append(BenchMembers.PERIOD).append('\n');
          methods.append(ids[i]).append("\ttotp\n");
          if (i >= members.emailFrom() && i < members.emailTo()) {
            methods.append(ids[i]).append("\temail\n");
          }
        }
        copy.copyIn("copy otp_totp (member_id, key_id, secret, algorithm, digits, period) from stdin",
            new StringReader(totp.toString()));
        copy.copyIn("copy member_method (member_id, method) from stdin", new StringReader(methods.toString()));
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("analyze member");
        s.execute("analyze otp_totp");
      }
      return members;
    }
  }

  /**
   * Gives every member of the email range a fresh, unused email code (as EmailOtpService stores
   * it: keyed hash under "email:&lt;memberId&gt;"), so each can pass one email check.
   */
  static void resetEmailCodes(DatabaseTarget db, BenchMembers members, SecretBox box) throws SQLException, IOException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("create temporary table bench_email (member_id bigint, key_id text, code_hash bytea) on commit drop");
      }
      HexFormat hex = HexFormat.of();
      StringBuilder rows = new StringBuilder();
      for (int i = members.emailFrom(); i < members.emailTo(); i++) {
        long id = members.ids[i];
        rows.append(id).append('\t').append(box.activeKeyId()).append("\t\\\\x")
            .append(hex.formatHex(box.hash("email:" + id, BenchMembers.emailCode(i)))).append('\n');
      }
      c.unwrap(PGConnection.class).getCopyAPI().copyIn("copy bench_email from stdin", new StringReader(rows.toString()));
      try (Statement s = c.createStatement()) {
        s.executeUpdate("""
            insert into otp_email_code (member_id, key_id, code_hash, expires_at)
            select member_id, key_id, code_hash, now() + interval '10 minutes' from bench_email
            on conflict (member_id) do update set key_id = excluded.key_id, code_hash = excluded.code_hash,
              expires_at = excluded.expires_at, tries = 0, used = false, sent_at = now()""");
        s.executeUpdate("delete from login_throttle where subject in (select 'otp:' || id from member where login_id like '"
            + BenchMembers.PREFIX + "%')");
      }
      c.commit();
    }
  }

  /**
   * Tops the live sessions up to {@code target} (issue 7 measures RSS with 100,000 of them): signed-in
   * sessions of the login range's members under random ids nobody holds, copied server-side from one
   * real session row so they are stored exactly as the gateway stores them. Returns the live count.
   */
  /**
   * A checkpoint after the seeding, so the runs meet the database as it is after running a while: a
   * checkpoint recycles the WAL segments it no longer needs as the next ones. A fresh cluster has none
   * to recycle, so PostgreSQL creates and zero-fills a new 16 MB segment for every 16 MB of WAL, and
   * the backend doing it holds the WAL write lock meanwhile: every commit stalled about 50 ms about
   * once a second at 4,000 checks/s (IO:WalInitWrite, then IO:WalInitSync, sampled every 10 ms).
   * A role that may not checkpoint (an existing database, --db-url) is told, and the run goes on.
   */
  static void checkpoint(DatabaseTarget db, PrintStream out) {
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
      s.execute("checkpoint");
      out.printf(Locale.ROOT, "Checkpoint after seeding: %d ms (the seeding's WAL segments are recycled for the runs)%n",
          (System.nanoTime() - t0) / 1_000_000);
    } catch (SQLException e) {
      out.println("No checkpoint after seeding (" + e.getMessage().lines().findFirst().orElse("") + "): the first runs may"
          + " wait while PostgreSQL zero-fills new WAL segments");
    }
  }

  static long topUpLiveSessions(DatabaseTarget db, long target, long templateMemberId) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
      long live;
      try (var rows = s.executeQuery("select count(*) from http_session where expires_at > now()")) {
        rows.next();
        live = rows.getLong(1);
      }
      if (live < target) {
        s.executeUpdate("insert into http_session (id_hash, member_id, data, expires_at) "
            + "select sha256(gen_random_uuid()::text::bytea), t.member_id, t.data, now() + interval '2 hours' "
            + "from (select member_id, data from http_session where member_id = " + templateMemberId + " limit 1) t, "
            + "generate_series(1, " + (target - live) + ")");
        live = target;
      }
      return live;
    }
  }
}
