package dev.sekisho.factor.batch;

import dev.sekisho.audit.AuditEvent;
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
 * own pool and batcher stands for a second gateway process. A pass's audit event, when the caller
 * hands one over, is written by the same statement and commit.
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

  /** The audit event a caller hands the check for its pass (as the second-step page does). */
  private static AuditEvent passEvent(int member, String kind) {
    return AuditEvent.of(members.get(member), "mailbatch" + member, kind, "ok", new AuditEvent.Client("192.0.2.7", "test"));
  }

  /** A check carrying its pass's audit event; a check that fails (its statement failed) answers null. */
  private static Together.Sent audited(int member, String code, String kind) {
    return new Together.Sent(s, () -> s.otp.email().verify(members.get(member), code, passEvent(member, kind))
        .otherwise((CheckResult) null));
  }

  /** The member's audit events of the kind, as "outcome@ip". */
  private static List<String> events(int member, String kind) {
    String all = OtpFixtures.queryString("select coalesce(string_agg(outcome || '@' || ip, ',' order by id), '') from audit_event "
        + "where member_id = ? and kind = ?", members.get(member), kind);
    return all.isEmpty() ? List.of() : List.of(all.split(","));
  }

  /** Whether the member's pass event and the code's use were written by one transaction (same xmin). */
  private static String eventInCodeTransaction(int member, String kind) {
    return OtpFixtures.queryString("select (a.xmin::text = c.xmin::text)::text from audit_event a join otp_email_code c "
        + "on c.member_id = a.member_id where a.member_id = ? and a.kind = ?", members.get(member), kind);
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
    assertThat(OtpFixtures.queryString("select count(*)::text from audit_event where member_id = ?", members.get(3)))
        .as("a check without a pass event writes none: its caller audits").isEqualTo("0");
  }

  @Test
  void aPassWritesItsAuditEventOnceInTheCommitThatUsesTheCode() throws Exception {
    String kind = "test.email.pass." + System.nanoTime();
    List<CheckResult> results = Together.run(List.of(audited(0, code(0), kind), audited(0, code(0), kind),
        audited(1, code(1), kind), audited(2, code(3), kind)));

    assertThat(results.subList(0, 2)).containsExactlyInAnyOrder(CheckResult.OK, CheckResult.EXPIRED);
    assertThat(results.subList(2, 4)).containsExactly(CheckResult.OK, CheckResult.INVALID);
    assertThat(sizes).as("three members in one statement, member 0's second check alone").containsExactly(3, 1);
    assertThat(events(0, kind)).as("one code raced: one pass, one event").containsExactly("ok@192.0.2.7");
    assertThat(events(1, kind)).containsExactly("ok@192.0.2.7");
    assertThat(events(2, kind)).as("a refusal is its caller's to audit").isEmpty();
    assertThat(List.of(eventInCodeTransaction(0, kind), eventInCodeTransaction(1, kind))).as("one commit per passed check")
        .containsOnly("true");
  }

  @Test
  void aPassWhoseEventCannotBeWrittenDoesNotUseTheCodeAndTheOthersStillPass() throws Exception {
    String kind = "test.email.pass." + System.nanoTime();
    String refused = kind + ".refused";
    // A real failure of the event's insert: PostgreSQL refuses this one kind, in any statement.
    OtpFixtures.sql("""
        create or replace function refuse_test_event() returns trigger language plpgsql as $$
        begin
          raise exception 'audit refused, for this test';
        end $$""");
    OtpFixtures.sql("create trigger refuse_test_event before insert on audit_event for each row when (new.kind = '"
        + refused + "') execute function refuse_test_event()");
    try {
      List<CheckResult> results = Together.run(List.of(audited(0, code(0), kind), audited(1, code(1), refused),
          audited(2, code(2), kind), audited(3, code(3), kind)));

      assertThat(results).as("the batch failed as a whole; alone, only member 1's statement fails")
          .containsExactly(CheckResult.OK, null, CheckResult.OK, CheckResult.OK);
      assertThat(sizes).containsExactly(4);
      assertThat(row(1)).as("no pass without its event: the code is unused and no try counted").isEqualTo("false/0");
      assertThat(methodUsed(1)).isEqualTo("false");
      assertThat(List.of(row(0), row(2), row(3))).containsOnly("true/1");
      assertThat(List.of(events(0, kind), events(2, kind), events(3, kind))).allSatisfy(e -> assertThat(e).containsExactly("ok@192.0.2.7"));
      assertThat(events(1, refused)).isEmpty();
    } finally {
      OtpFixtures.sql("drop trigger refuse_test_event on audit_event");
      OtpFixtures.sql("drop function refuse_test_event()");
    }

    assertThat(Together.run(List.of(audited(1, code(1), kind)))).as("the same code, its event writable again, passes")
        .containsExactly(CheckResult.OK);
    assertThat(events(1, kind)).containsExactly("ok@192.0.2.7");
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
