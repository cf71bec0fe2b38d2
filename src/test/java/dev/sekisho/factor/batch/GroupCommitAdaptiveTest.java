package dev.sekisho.factor.batch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When GroupCommit's adaptive flush sends its batches. The statement here is a recorder whose
 * answers the test gives by hand, so each test decides exactly when a statement "commits" and the
 * order of events is the same on any machine (the statements' SQL is tested against PostgreSQL by
 * TotpApiBatchTest). Checks are numbers; a check's subject is its value divided by ten, so 11 and
 * 12 are two checks of one member.
 */
class GroupCommitAdaptiveTest {
  /** One statement sent: the checks it holds and the promise the test completes to answer it. */
  private record Sent(List<Integer> checks, Promise<List<String>> answer) {}

  /** Records each statement sent; answers each check with "ok <check>" when the test says so. */
  private static final class Recorder implements GroupCommit.Statement<Integer, String> {
    final List<Sent> sent = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public long subject(Integer check) {
      return check / 10;
    }

    @Override
    public Future<List<String>> all(List<Integer> checks) {
      Promise<List<String>> answer = Promise.promise();
      sent.add(new Sent(List.copyOf(checks), answer));
      return answer.future();
    }

    @Override
    public Future<String> one(Integer check) {
      return all(List.of(check)).map(results -> results.get(0));
    }

    /** Answers the n-th statement sent, each of its checks with "ok <check>". */
    void commit(int n) {
      Sent s = sent.get(n);
      s.answer().complete(s.checks().stream().map(c -> "ok " + c).toList());
    }

    List<List<Integer>> statements() {
      return sent.stream().map(Sent::checks).toList();
    }
  }

  private final Recorder statement = new Recorder();

  /** Adaptive flush; no timer is ever set, so no Vert.x is needed. */
  private GroupCommit<Integer, String> batcher(int maxSize) {
    return batcher(maxSize, 1);
  }

  private GroupCommit<Integer, String> batcher(int maxSize, int maxInFlight) {
    return new GroupCommit<>(null, new BatchSettings(true, true, 1000, maxSize, maxInFlight), statement, statement.sizes::add);
  }

  @Test
  void aCheckArrivingWhenNothingIsInFlightIsSentAtOnceAlone() {
    GroupCommit<Integer, String> batcher = batcher(64);
    Future<String> a = batcher.submit(10);
    assertThat(statement.statements()).containsExactly(List.of(10));
    statement.commit(0);
    assertThat(a.result()).isEqualTo("ok 10");
    // Nothing in flight again: the next check does not wait either.
    Future<String> b = batcher.submit(20);
    assertThat(statement.statements()).containsExactly(List.of(10), List.of(20));
    statement.commit(1);
    assertThat(b.result()).isEqualTo("ok 20");
    assertThat(statement.sizes).containsExactly(1, 1);
  }

  @Test
  void checksArrivingWhileOneIsInFlightAreSentTogetherWhenItAnswers() {
    GroupCommit<Integer, String> batcher = batcher(64);
    Future<String> first = batcher.submit(10);
    Future<String> c = batcher.submit(40);
    Future<String> a = batcher.submit(20);
    Future<String> b = batcher.submit(30);
    assertThat(statement.statements()).as("the three wait for the statement in flight").containsExactly(List.of(10));
    statement.commit(0);
    assertThat(first.result()).isEqualTo("ok 10");
    assertThat(statement.statements()).as("one statement, in the subjects' order")
        .containsExactly(List.of(10), List.of(20, 30, 40));
    assertThat(a.isComplete()).isFalse();
    statement.commit(1);
    assertThat(List.of(a.result(), b.result(), c.result())).containsExactly("ok 20", "ok 30", "ok 40");
    assertThat(statement.sizes).containsExactly(1, 3);
  }

  @Test
  void aFullBatchIsSentWithoutWaitingForTheOneInFlight() {
    GroupCommit<Integer, String> batcher = batcher(3);
    batcher.submit(10);
    batcher.submit(20);
    batcher.submit(30);
    assertThat(statement.statements()).containsExactly(List.of(10));
    batcher.submit(40);
    assertThat(statement.statements()).containsExactly(List.of(10), List.of(20, 30, 40));
    // The next arrival waits for a statement to answer, then goes: the full batch still in flight does not hold it.
    Future<String> e = batcher.submit(50);
    statement.commit(0);
    assertThat(statement.statements()).containsExactly(List.of(10), List.of(20, 30, 40), List.of(50));
    statement.commit(2);
    assertThat(e.result()).isEqualTo("ok 50");
  }

  @Test
  void aMembersSecondCheckWaitsForTheStatementAfterItsFirst() {
    GroupCommit<Integer, String> batcher = batcher(64);
    batcher.submit(10);
    Future<String> first = batcher.submit(21);
    Future<String> second = batcher.submit(22);
    batcher.submit(30);
    statement.commit(0);
    assertThat(statement.statements()).as("22 is member 2's second check: not in 21's batch")
        .containsExactly(List.of(10), List.of(21, 30));
    statement.commit(1);
    assertThat(first.result()).isEqualTo("ok 21");
    assertThat(statement.statements()).containsExactly(List.of(10), List.of(21, 30), List.of(22));
    statement.commit(2);
    assertThat(second.result()).isEqualTo("ok 22");
  }

  @Test
  void aBatchThatFailsAsAWholeIsDecidedCheckByCheckBeforeTheNextIsSent() {
    GroupCommit<Integer, String> batcher = batcher(64);
    batcher.submit(10);
    Future<String> a = batcher.submit(20);
    Future<String> b = batcher.submit(30);
    statement.commit(0);
    statement.sent.get(1).answer().fail("deadlock detected");
    assertThat(statement.statements()).containsExactly(List.of(10), List.of(20, 30), List.of(20), List.of(30));
    Future<String> late = batcher.submit(40);
    assertThat(statement.statements()).as("the checks decided alone are still in flight").hasSize(4);
    statement.commit(2);
    statement.commit(3);
    assertThat(List.of(a.result(), b.result())).containsExactly("ok 20", "ok 30");
    assertThat(statement.statements()).last().isEqualTo(List.of(40));
    statement.commit(4);
    assertThat(late.result()).isEqualTo("ok 40");
  }

  @Test
  void withTwoInFlightASecondBatchGoesWhileTheFirstCommitsAndAThirdWaits() {
    GroupCommit<Integer, String> batcher = batcher(64, 2);
    Future<String> a = batcher.submit(10);
    Future<String> b = batcher.submit(20);
    batcher.submit(30);
    batcher.submit(40);
    assertThat(statement.statements()).as("two in flight; the rest wait")
        .containsExactly(List.of(10), List.of(20));
    statement.commit(1);
    assertThat(b.result()).isEqualTo("ok 20");
    assertThat(statement.statements()).as("a slot came free: the waiting go together")
        .containsExactly(List.of(10), List.of(20), List.of(30, 40));
    statement.commit(0);
    statement.commit(2);
    assertThat(a.result()).isEqualTo("ok 10");
  }

  @Test
  void withTwoInFlightAMembersSecondCheckStillWaitsForItsFirstToBeAnswered() {
    GroupCommit<Integer, String> batcher = batcher(64, 2);
    Future<String> first = batcher.submit(11);
    Future<String> second = batcher.submit(12);
    Future<String> other = batcher.submit(20);
    assertThat(statement.statements()).as("12 is member 1's second check: held back though a slot is free")
        .containsExactly(List.of(11), List.of(20));
    statement.commit(1);
    assertThat(statement.statements()).as("member 1's first check is still in flight")
        .containsExactly(List.of(11), List.of(20));
    statement.commit(0);
    assertThat(first.result()).isEqualTo("ok 11");
    assertThat(statement.statements()).last().isEqualTo(List.of(12));
    statement.commit(2);
    assertThat(List.of(second.result(), other.result())).containsExactly("ok 12", "ok 20");
  }
}
