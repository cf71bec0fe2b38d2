package dev.sekisho.factor.code;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.sekisho.factor.OtpFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A code check killed in the middle cannot let the code count twice. The TOTP check and its
 * replay record (last_step) are one conditional UPDATE, so there is no moment between them: the
 * test holds the member's row lock from another connection so the check is caught inside its
 * statement, terminates that backend (as a crash or a database restart would), and then shows the
 * code was not recorded, passes exactly once afterwards, and is refused from then on.
 */
class InterruptedCheckTest {
  private static OtpFixtures.Services s;

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void aCheckKilledInsideItsStatementRecordsNothingAndTheCodeThenPassesExactlyOnce() throws Exception {
    byte[] key = OtpFixtures.bytes(20, 42);
    long member = OtpFixtures.newMember("intr", "method_set_up", "totp");
    await(s.otp.totp().install(member, key, OtpAlgorithm.SHA1, 6, 30));
    long now = 1_960_000_000L;
    s.clock.setSeconds(now);
    long step = Math.floorDiv(now, 30);
    String code = OtpAlgorithm.SHA1.text(key, step, 6);

    Future<CheckResult> check;
    try (Connection holder = OtpFixtures.jdbc()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("select 1 from otp_totp where member_id = ? for update")) {
        lock.setLong(1, member);
        lock.executeQuery().close();
      }
      check = s.otp.totp().verify(member, code);
      int victim = awaitBackendWaitingOnLock();
      try (PreparedStatement kill = holder.prepareStatement("select pg_terminate_backend(?)")) {
        kill.setInt(1, victim);
        kill.executeQuery().close();
      }
      // The interrupted check did not pass.
      CheckResult outcome;
      try {
        outcome = check.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        outcome = null;  // its connection died: the caller gets an error (a 503 page), not a pass
      }
      assertThat(outcome).isNotEqualTo(CheckResult.OK);
      holder.rollback();
    }

    // Nothing half-written: the replay record did not move.
    assertThat(Long.parseLong(OtpFixtures.queryString("select last_step from otp_totp where member_id = ?", member)))
        .isLessThan(step);
    // The code counts once now (the pool replaced the dead connection), and never again.
    assertThat(await(s.otp.totp().verify(member, code))).isEqualTo(CheckResult.OK);
    assertThat(await(s.otp.totp().verify(member, code))).isEqualTo(CheckResult.INVALID);
    assertThat(Long.parseLong(OtpFixtures.queryString("select last_step from otp_totp where member_id = ?", member)))
        .isEqualTo(step);
  }

  /** The backend of the check, blocked on the row lock the holder took: found by PostgreSQL's own view. */
  private static int awaitBackendWaitingOnLock() throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    // Its own autocommit connection: inside a transaction PostgreSQL shows one cached snapshot of the view.
    try (Connection watcher = OtpFixtures.jdbc(); PreparedStatement find = watcher.prepareStatement("""
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
          and wait_event_type = 'Lock' and query like '%update otp_totp%'""")) {
      while (true) {
        try (ResultSet r = find.executeQuery()) {
          if (r.next()) {
            return r.getInt(1);
          }
        }
        if (System.currentTimeMillis() > deadline) {
          StringBuilder all = new StringBuilder();
          try (ResultSet r = watcher.createStatement().executeQuery(
              "select pid, state, wait_event_type, wait_event, left(query, 80) from pg_stat_activity where datname = current_database()")) {
            while (r.next()) {
              all.append(r.getInt(1)).append(' ').append(r.getString(2)).append(' ').append(r.getString(3)).append(' ')
                  .append(r.getString(4)).append(' ').append(r.getString(5)).append('\n');
            }
          }
          throw new AssertionError("the check never waited on the row lock:\n" + all);
        }
        Thread.sleep(20);
      }
    }
  }
}
