package dev.sekisho.factor.batch;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.recovery.RecoveryFactor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.sekisho.factor.OtpFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of recovery code uses (RecoveryFactor, RecoveryCodes, RecoveryCheckBatch) over the
 * real PostgreSQL: uses arriving together on one event loop are one statement and one commit (the
 * lock read, the code spent, the failure count cleared), and each is decided exactly as alone.
 * Batches of four with a long fixed window, as in EmailCheckBatchTest; a second set of services
 * with its own pool and batcher stands for a second gateway process.
 */
class RecoveryCheckBatchTest {
  private static final BatchSettings FOUR = new BatchSettings(true, false, 1000, 4);
  private static final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private static final List<Integer> otherSizes = new CopyOnWriteArrayList<>();
  private static OtpFixtures.Services s;
  private static OtpFixtures.Services other;
  private static final List<Long> members = new ArrayList<>();
  /** Each member's codes, fresh for every test. */
  private static final List<List<String>> codes = new ArrayList<>();

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services(FOUR, (statement, size) -> {
      if (statement.equals("recovery")) {
        sizes.add(size);
      }
    });
    other = new OtpFixtures.Services(FOUR, (statement, size) -> {
      if (statement.equals("recovery")) {
        otherSizes.add(size);
      }
    });
    for (int i = 0; i < 7; i++) {
      members.add(OtpFixtures.newMember("recbatch", "method_set_up", null));
    }
  }

  @AfterAll
  static void stop() {
    other.close();
    s.close();
  }

  @BeforeEach
  void freshCodes() {
    codes.clear();
    for (long member : members) {
      OtpFixtures.sql("delete from login_throttle where subject = ?", "otp:" + member);
      codes.add(await(s.otp.recovery().regenerate(member)));
    }
    sizes.clear();
    otherSizes.clear();
  }

  private static Together.Sent check(OtpFixtures.Services on, int member, String code) {
    SecondFactor recovery = new RecoveryFactor(on.otp.recovery(), on.otp.limit());
    return new Together.Sent(on, () -> recovery.verify(SecondFactor.Answer.code(members.get(member), code)));
  }

  /** Member i's first code, on the first process. */
  private static Together.Sent good(int member) {
    return check(s, member, codes.get(member).get(0));
  }

  private static long spent(int member) {
    return Long.parseLong(OtpFixtures.queryString("select count(*) from otp_recovery_code where member_id = ? and used_at is not null",
        members.get(member)));
  }

  private static String failures(int member) {
    return OtpFixtures.queryString("select failures::text from login_throttle where subject = ?", "otp:" + members.get(member));
  }

  @Test
  void oneCodeRacedWithinABatchPassesOnceAndTheOthersPass() throws Exception {
    List<CheckResult> results = Together.run(List.of(good(0), good(0), good(1), good(2)));

    assertThat(results.subList(0, 2)).as("member 0's one code, twice").containsExactlyInAnyOrder(CheckResult.OK, CheckResult.INVALID);
    assertThat(results.subList(2, 4)).containsExactly(CheckResult.OK, CheckResult.OK);
    assertThat(sizes).as("member 0's second check waits for the next statement").containsExactly(3, 1);
    assertThat(List.of(spent(0), spent(1), spent(2), spent(3))).containsExactly(1L, 1L, 1L, 0L);
    assertThat(failures(0)).as("the refused replay counts as a failure, as alone").isEqualTo("1");
  }

  @Test
  void aCodeUsedInOneBatchIsRefusedInTheNext() throws Exception {
    assertThat(Together.run(List.of(good(0), good(1), good(2), good(3)))).containsOnly(CheckResult.OK);

    List<CheckResult> results = Together.run(List.of(good(0), check(s, 1, codes.get(1).get(1)),
        check(s, 2, codes.get(2).get(1)), check(s, 3, codes.get(3).get(1))));

    assertThat(results).containsExactly(CheckResult.INVALID, CheckResult.OK, CheckResult.OK, CheckResult.OK);
    assertThat(sizes).containsExactly(4, 4);
    assertThat(List.of(spent(0), spent(1), spent(2), spent(3))).containsExactly(1L, 2L, 2L, 2L);
    assertThat(failures(0)).isEqualTo("1");
  }

  @Test
  void oneCodeRacedInBatchesOfTwoProcessesPassesOnce() throws Exception {
    // Each process's batch is full at once: the two statements meet on member 0's code.
    List<CheckResult> results = Together.run(List.of(good(0), check(other, 0, codes.get(0).get(0)), good(1), good(2), good(3),
        check(other, 4, codes.get(4).get(0)), check(other, 5, codes.get(5).get(0)), check(other, 6, codes.get(6).get(0))));

    assertThat(results.subList(0, 2)).containsExactlyInAnyOrder(CheckResult.OK, CheckResult.INVALID);
    assertThat(results.subList(2, 8)).containsOnly(CheckResult.OK);
    assertThat(sizes).containsExactly(4);
    assertThat(otherSizes).containsExactly(4);
    assertThat(spent(0)).isEqualTo(1L);
  }

  @Test
  void aBatchMixingRefusalsRefusesEachAsAloneAndPassesTheRest() throws Exception {
    OtpFixtures.sql("update otp_recovery_code set used_at = now() where member_id = ?", members.get(0));
    OtpFixtures.sql("insert into login_throttle (subject, failures, locked_until) values (?, 5, now() + interval '15 minutes')",
        "otp:" + members.get(1));
    // A hold does not stop a recovery code, and its success ends the hold.
    OtpFixtures.sql("insert into login_throttle (subject, failures, streak, held_since) values (?, 2, 100, now())",
        "otp:" + members.get(3));

    List<CheckResult> results = Together.run(List.of(good(0), good(1), check(s, 2, "not a code"), good(3)));

    assertThat(results).containsExactly(CheckResult.INVALID, CheckResult.LOCKED, CheckResult.INVALID, CheckResult.OK);
    assertThat(sizes).containsExactly(4);
    assertThat(failures(0)).as("a used code is wrong, and counted").isEqualTo("1");
    assertThat(spent(1)).as("a locked member's code is not spent").isEqualTo(0L);
    assertThat(failures(1)).isEqualTo("5");
    assertThat(failures(2)).isEqualTo("1");
    assertThat(failures(3)).as("the hold ended by the code").isNull();
    assertThat(spent(3)).isEqualTo(1L);
  }

  @Test
  void aBatchThatFailsAsAWholeIsDecidedCheckByCheck() throws Exception {
    // A real error of the batch statement: PostgreSQL refuses more than one code spent by one statement.
    try (BatchRefusal refusal = BatchRefusal.install(sql -> OtpFixtures.sql(sql), "update", "otp_recovery_code", "true")) {
      List<CheckResult> results = Together.run(List.of(good(0), good(1), check(s, 2, codes.get(0).get(1)), good(3)));

      assertThat(results).containsExactly(CheckResult.OK, CheckResult.OK, CheckResult.INVALID, CheckResult.OK);
      assertThat(sizes).as("the batch, tried once, then each alone").containsExactly(4);
      assertThat(List.of(spent(0), spent(1), spent(2), spent(3))).containsExactly(1L, 1L, 0L, 1L);
      assertThat(failures(2)).isEqualTo("1");
    }
  }
}
