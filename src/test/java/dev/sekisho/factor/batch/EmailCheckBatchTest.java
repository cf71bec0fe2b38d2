package dev.sekisho.factor.batch;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of email code checks (EmailOtpService, EmailCheckBatch) over the real PostgreSQL:
 * checks arriving together on one event loop are one statement and one commit, and each is decided
 * exactly as alone. Batches of four with a long fixed window, so four checks started together are
 * one batch whatever the machine's speed (the fourth starts it). A second set of services with its
 * own pool and batcher stands for a second gateway process.
 */
class EmailCheckBatchTest {
  private static final BatchSettings FOUR = new BatchSettings(true, false, 1000, 4);
  private static final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private static final List<Integer> otherSizes = new CopyOnWriteArrayList<>();
  private static OtpFixtures.Services s;
  private static OtpFixtures.Services other;
  private static final List<Long> members = new ArrayList<>();

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services(FOUR, (statement, size) -> {
      if (statement.equals("email")) {
        sizes.add(size);
      }
    });
    other = new OtpFixtures.Services(FOUR, (statement, size) -> {
      if (statement.equals("email")) {
        otherSizes.add(size);
      }
    });
    for (int i = 0; i < 7; i++) {
      long member = OtpFixtures.newMember("mailbatch", "method_set_up", null);
      OtpFixtures.sql("insert into member_method (member_id, method) values (?, 'email')", member);
      members.add(member);
    }
  }

  @AfterAll
  static void stop() {
    other.close();
    s.close();
  }

  @BeforeEach
  void freshCodes() {
    for (int i = 0; i < members.size(); i++) {
      long member = members.get(i);
      OtpFixtures.sql("delete from login_throttle where subject = ?", "otp:" + member);
      OtpFixtures.sql("delete from otp_email_code where member_id = ?", member);
      OtpFixtures.sql("update member_method set last_used_at = null where member_id = ?", member);
      OtpFixtures.sql("insert into otp_email_code (member_id, key_id, code_hash, expires_at) values (?, 'a', ?, now() + interval '10 minutes')",
          member, s.box.hash("email:" + member, code(i)));
    }
    sizes.clear();
    otherSizes.clear();
  }

  /** Member i's live code. */
  private static String code(int member) {
    return String.format("%06d", 100000 + member * 1111);
  }

  private static Together.Sent check(OtpFixtures.Services on, int member, String code) {
    return new Together.Sent(on, () -> on.otp.email().verify(members.get(member), code));
  }

  private static Together.Sent good(int member) {
    return check(s, member, code(member));
  }

  private static String row(int member) {
    return OtpFixtures.queryString("select used || '/' || tries from otp_email_code where member_id = ?", members.get(member));
  }

  private static String failures(int member) {
    return OtpFixtures.queryString("select failures::text from login_throttle where subject = ?", "otp:" + members.get(member));
  }

  private static String methodUsed(int member) {
    return OtpFixtures.queryString("select (last_used_at is not null)::text from member_method where member_id = ? and method = 'email'",
        members.get(member));
  }

  @Test
  void oneCodeRacedWithinABatchPassesOnceAndTheOthersPass() throws Exception {
    List<CheckResult> results = Together.run(List.of(good(0), good(0), good(1), good(2)));

    assertThat(results.subList(0, 2)).as("member 0's one code, twice").containsExactlyInAnyOrder(CheckResult.OK, CheckResult.EXPIRED);
    assertThat(results.subList(2, 4)).containsExactly(CheckResult.OK, CheckResult.OK);
    assertThat(sizes).as("member 0's second check waits for the next statement").containsExactly(3, 1);
    assertThat(List.of(row(0), row(1), row(2))).containsOnly("true/1");
    assertThat(List.of(methodUsed(0), methodUsed(1), methodUsed(2), methodUsed(3))).containsExactly("true", "true", "true", "false");
    assertThat(OtpFixtures.queryString("select last_method from member where id = ?", members.get(1))).isEqualTo("email");
  }

  @Test
  void aCodeUsedInOneBatchIsRefusedInTheNext() throws Exception {
    assertThat(Together.run(List.of(good(0), good(1), good(2), good(3)))).containsOnly(CheckResult.OK);

    OtpFixtures.sql("update otp_email_code set used = false, tries = 0 where member_id in (?, ?, ?)",
        members.get(1), members.get(2), members.get(3));
    List<CheckResult> results = Together.run(List.of(good(0), good(1), good(2), good(3)));

    assertThat(results).containsExactly(CheckResult.EXPIRED, CheckResult.OK, CheckResult.OK, CheckResult.OK);
    assertThat(sizes).containsExactly(4, 4);
    assertThat(failures(0)).as("no live code: nothing to count, as alone").isNull();
  }

  @Test
  void oneCodeRacedInBatchesOfTwoProcessesPassesOnce() throws Exception {
    // Each process's batch is full at once: the two statements meet on member 0's row.
    List<CheckResult> results = Together.run(List.of(good(0), check(other, 0, code(0)), good(1), good(2), good(3),
        check(other, 4, code(4)), check(other, 5, code(5)), check(other, 6, code(6))));

    assertThat(results.subList(0, 2)).containsExactlyInAnyOrder(CheckResult.OK, CheckResult.EXPIRED);
    assertThat(results.subList(2, 8)).containsOnly(CheckResult.OK);
    assertThat(sizes).containsExactly(4);
    assertThat(otherSizes).containsExactly(4);
    assertThat(row(0)).as("one try counted: the other found the code used").isEqualTo("true/1");
  }

  @Test
  void aBatchMixingRefusalsRefusesEachAsAloneAndPassesTheRest() throws Exception {
    OtpFixtures.sql("update otp_email_code set used = true, tries = 1 where member_id = ?", members.get(0));
    OtpFixtures.sql("insert into login_throttle (subject, failures, locked_until) values (?, 5, now() + interval '15 minutes')",
        "otp:" + members.get(1));
    OtpFixtures.sql("insert into login_throttle (subject, failures) values (?, 2)", "otp:" + members.get(3));

    List<CheckResult> results = Together.run(List.of(good(0), good(1), check(s, 2, code(3)), good(3)));

    assertThat(results).containsExactly(CheckResult.EXPIRED, CheckResult.LOCKED, CheckResult.INVALID, CheckResult.OK);
    assertThat(sizes).containsExactly(4);
    assertThat(row(0)).as("a used code is not tried again").isEqualTo("true/1");
    assertThat(row(1)).as("a locked member's code is not tried").isEqualTo("false/0");
    assertThat(row(2)).isEqualTo("false/1");
    assertThat(failures(2)).isEqualTo("1");
    assertThat(failures(3)).as("a passing check clears the count").isNull();
    assertThat(List.of(methodUsed(0), methodUsed(1), methodUsed(2), methodUsed(3))).containsExactly("false", "false", "false", "true");
  }

  @Test
  void aBatchThatFailsAsAWholeIsDecidedCheckByCheck() throws Exception {
    // A real error of the batch statement: PostgreSQL refuses more than one code tried by one statement.
    try (BatchRefusal refusal = BatchRefusal.install(sql -> OtpFixtures.sql(sql), "update", "otp_email_code", "true")) {
      List<CheckResult> results = Together.run(List.of(good(0), good(1), check(s, 2, code(0)), good(3)));

      assertThat(results).containsExactly(CheckResult.OK, CheckResult.OK, CheckResult.INVALID, CheckResult.OK);
      assertThat(sizes).as("the batch, tried once, then each alone").containsExactly(4);
      assertThat(List.of(row(0), row(1), row(2), row(3))).containsExactly("true/1", "true/1", "false/1", "true/1");
      assertThat(failures(2)).isEqualTo("1");
    }
  }
}
