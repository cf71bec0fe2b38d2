package dev.sekisho.factor.batch;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpAlgorithm;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.sekisho.factor.OtpFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group commit of HOTP checks (HotpService, HotpCheckBatch) over the real PostgreSQL: the write that
 * decides checks whose codes were found in the window is one statement for the checks arriving
 * together, and each is decided exactly as alone. Batches of four with a long fixed window, so four
 * checks started together are one batch whatever the machine's speed (the fourth starts it); the
 * checks are started on one Vert.x context, as a verticle's are.
 */
class HotpBatchTest {
  private static final byte[] KEY = OtpFixtures.bytes(20, 7);
  private static final List<Integer> sizes = new CopyOnWriteArrayList<>();
  private static OtpFixtures.Services s;
  private static final List<Long> members = new ArrayList<>();

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services(new BatchSettings(true, false, 1000, 4), (statement, size) -> {
      if (statement.equals("hotp")) {
        sizes.add(size);
      }
    });
    for (int i = 0; i < 6; i++) {
      long member = OtpFixtures.newMember("hotpbatch", "method_set_up", null);
      await(s.otp.hotp().assign(member, "SN-B-" + member, KEY, 0, OtpAlgorithm.SHA1, 6));
      members.add(member);
    }
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @BeforeEach
  void freshTokens() {
    for (long member : members) {
      OtpFixtures.sql("update otp_hotp set counter = 0 where member_id = ?", member);
      OtpFixtures.sql("delete from login_throttle where subject = ?", "otp:" + member);
    }
    sizes.clear();
  }

  private static Supplier<Future<CheckResult>> check(int member, long counter) {
    return () -> s.otp.hotp().verify(members.get(member), OtpAlgorithm.SHA1.text(KEY, counter, 6));
  }

  /** Starts the checks together on one event loop; their results in the same order. */
  @SafeVarargs
  private static List<CheckResult> together(Supplier<Future<CheckResult>>... checks) throws Exception {
    Context loop = s.vertx.getOrCreateContext();
    CompletableFuture<List<CheckResult>> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      List<Future<CheckResult>> started = new ArrayList<>();
      for (Supplier<Future<CheckResult>> c : checks) {
        started.add(c.get());
      }
      Future.join(started).onComplete(all -> {
        if (all.failed()) {
          done.completeExceptionally(all.cause());
        } else {
          done.complete(started.stream().map(Future::result).toList());
        }
      });
    });
    return done.get(60, TimeUnit.SECONDS);
  }

  private static long counter(int member) {
    return Long.parseLong(OtpFixtures.queryString("select counter::text from otp_hotp where member_id = ?", members.get(member)));
  }

  @Test
  void oneCodeRacedWithinABatchPassesOnceAndTheOthersPass() throws Exception {
    List<CheckResult> results = together(check(0, 2), check(0, 2), check(1, 0), check(2, 5));

    assertThat(results.subList(0, 2)).as("member 0's one code, twice").containsExactlyInAnyOrder(CheckResult.OK, CheckResult.INVALID);
    assertThat(results.subList(2, 4)).containsExactly(CheckResult.OK, CheckResult.OK);
    assertThat(sizes).as("member 0's second check waits for the next statement").containsExactly(3, 1);
    assertThat(List.of(counter(0), counter(1), counter(2))).containsExactly(3L, 1L, 6L);
    assertThat(OtpFixtures.queryString("select failures::text from login_throttle where subject = ?", "otp:" + members.get(0)))
        .as("the refused replay counts as a failure, as alone").isEqualTo("1");
  }

  @Test
  void refusalsBesideABatchLeaveItsChecksAlone() throws Exception {
    OtpFixtures.sql("insert into login_throttle (subject, failures, locked_until) values (?, 5, now() + interval '15 minutes')",
        "otp:" + members.get(5));

    List<CheckResult> results = together(check(0, 0), () -> s.otp.hotp().verify(members.get(4), "000000x"),
        check(5, 0), check(1, 1), check(2, 2), check(3, 3), check(4, 20));

    assertThat(results).containsExactly(CheckResult.OK, CheckResult.INVALID, CheckResult.LOCKED,
        CheckResult.OK, CheckResult.OK, CheckResult.OK, CheckResult.INVALID);
    assertThat(sizes).as("the codes found in the window: one statement").containsExactly(4);
    assertThat(counter(5)).as("a locked member's token is not moved").isEqualTo(0L);
    assertThat(counter(4)).as("a code outside the window moves nothing").isEqualTo(0L);
  }

  @Test
  void aBatchThatFailsAsAWholeIsDecidedCheckByCheck() throws Exception {
    // A real error of the batch statement: PostgreSQL refuses more than one token moved by one statement.
    try (BatchRefusal refusal = BatchRefusal.install(sql -> OtpFixtures.sql(sql), "update", "otp_hotp", "true")) {
      List<CheckResult> results = together(check(0, 1), check(1, 1), check(2, 1), check(3, 1));

      assertThat(results).containsOnly(CheckResult.OK);
      assertThat(sizes).as("the batch, tried once, then each alone").containsExactly(4);
      assertThat(List.of(counter(0), counter(1), counter(2), counter(3))).containsOnly(2L);
    }
  }
}
