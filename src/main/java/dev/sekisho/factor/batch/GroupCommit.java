package dev.sekisho.factor.batch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Group commit of concurrent checks on ONE event loop: checks waiting together are decided by one
 * multi-row statement and one commit, each getting its own result. PostgreSQL's commit (a WAL
 * flush) is the cost of a check; sharing it between many checks is what makes them cheaper without
 * giving up synchronous_commit.
 *
 * <p>When a batch is sent ({@link BatchSettings#adaptive()}):
 * <ul>
 *   <li>adaptive (the default): a check arriving while none of this batcher's statements is in
 *       flight is sent at once, alone, so a quiet gateway adds no latency; checks arriving while one
 *       is in flight wait for it and are sent together as soon as it has answered (or at once when
 *       {@code maxSize} wait). The batch grows with the load by itself: the slower the commits, the
 *       more checks share the next one, and no check waits longer than one statement before its own
 *       is sent.</li>
 *   <li>fixed window: checks are sent {@code windowMillis} after the first one waiting, or as soon as
 *       {@code maxSize} wait (the tests use it to make batches of a known size).</li>
 * </ul>
 *
 * <p>Guarantees, whatever the statement:
 * <ul>
 *   <li>At most one check per subject (member) in flight: the statements' sub-statements see one
 *       snapshot and cannot see each other's writes, so a second check of the same member waits for
 *       a batch sent after the first one's has answered, where it meets the first one's committed
 *       writes as a check always has (also with several batches in flight).</li>
 *   <li>One check never fails the others: the batch statement answers every row on its own; and if
 *       the whole statement fails (a constraint, a deadlock between two processes' batches), each
 *       check of it is decided again alone, by the single statement it had before batching.</li>
 *   <li>Nothing blocks: a check waits on a statement's future or on a Vert.x timer.</li>
 * </ul>
 * Not thread-safe by design: one instance per verticle, used only from that verticle's event loop.
 */
public final class GroupCommit<I, O> {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  /** The two ways to decide checks: many in one statement, or one alone (today's statement). */
  public interface Statement<I, O> {
    /** Whose check this is (the member): two checks of one member never share a batch. */
    long subject(I check);

    /** One result per check, in the order given, from one statement (one commit). */
    Future<List<O>> all(List<I> checks);

    /** The check alone. */
    Future<O> one(I check);
  }

  private record Waiting<I, O>(I check, Promise<O> answer) {}

  private final Vertx vertx;
  private final BatchSettings settings;
  private final Statement<I, O> statement;
  private final IntConsumer batchSizes;
  private List<Waiting<I, O>> waiting = new ArrayList<>();
  private long timer = -1;
  /** Batches sent whose checks are not all answered yet (adaptive flush waits while maxInFlight are). */
  private int inFlight;
  /** The subjects of the batches in flight: a member's next check waits until its last one is answered. */
  private final Set<Long> subjectsInFlight = new HashSet<>();

  /** @param batchSizes told the size of every statement sent (1 for a check decided alone), for the metrics */
  public GroupCommit(Vertx vertx, BatchSettings settings, Statement<I, O> statement, IntConsumer batchSizes) {
    this.vertx = vertx;
    this.settings = settings;
    this.statement = statement;
    this.batchSizes = batchSizes;
  }

  /** Decides the check with the others waiting with it (see the class comment for when they are sent). */
  public Future<O> submit(I check) {
    if (!settings.enabled() || settings.maxSize() < 2) {
      batchSizes.accept(1);
      return statement.one(check);
    }
    Promise<O> answer = Promise.promise();
    enqueue(new Waiting<>(check, answer));
    if (waiting.size() >= settings.maxSize()) {
      flush();
    }
    return answer.future();
  }

  private void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Waiting<I, O>> batch = new ArrayList<>();
    List<Waiting<I, O>> later = new ArrayList<>();
    Set<Long> subjects = new HashSet<>();
    for (Waiting<I, O> w : waiting) {
      long subject = statement.subject(w.check());
      (!subjectsInFlight.contains(subject) && subjects.add(subject) ? batch : later).add(w);
    }
    waiting = new ArrayList<>();
    // In one order on every process (the subjects' order), so that two batches meeting on the
    // same rows lock them in the same order and wait for each other rather than deadlock.
    batch.sort(Comparator.comparingLong(w -> statement.subject(w.check())));
    if (batch.isEmpty()) {
      // Every check waiting is of a member whose last check is in flight: they go once it answers.
      waiting = later;
      return;
    }
    inFlight++;
    subjectsInFlight.addAll(subjects);
    decide(batch).onComplete(answered -> {
      inFlight--;
      subjectsInFlight.removeAll(subjects);
      // Adaptive: what arrived while this batch was in flight goes now, as one batch (a full batch
      // sent meanwhile may still be in flight: waiting for it too would only add latency). Fixed
      // window: checks held back for this batch's members get their window now.
      if (!waiting.isEmpty()) {
        if (settings.adaptive()) {
          flush();
        } else {
          startWindow();
        }
      }
    });
    // Second checks of a subject open the next batch: after this one (adaptive) or one window on.
    later.forEach(this::enqueue);
  }

  /** Queues a check and arranges for the queue to be sent: now, after the statement in flight, or after the window. */
  private void enqueue(Waiting<I, O> w) {
    waiting.add(w);
    if (settings.adaptive()) {
      if (inFlight < settings.maxInFlight()) {
        flush();
      }
      return;
    }
    startWindow();
  }

  private void startWindow() {
    if (timer < 0) {
      timer = vertx.setTimer(settings.windowMillis(), id -> {
        timer = -1;
        flush();
      });
    }
  }

  /** Sends the batch; the future completes (never fails) once every check of it has its answer. */
  private Future<Void> decide(List<Waiting<I, O>> batch) {
    batchSizes.accept(batch.size());
    if (batch.size() == 1) {
      return alone(batch.get(0));
    }
    Promise<Void> answered = Promise.promise();
    Future<List<O>> all;
    try {
      all = statement.all(batch.stream().map(Waiting::check).toList());
    } catch (RuntimeException e) {
      all = Future.failedFuture(e);
    }
    all.onComplete(done -> {
      if (done.succeeded()) {
        List<O> results = done.result();
        for (int i = 0; i < batch.size(); i++) {
          // A statement answers every row it was given (Statement.all); a missing one is a bug, not a refusal.
          batch.get(i).answer().handle(i < results.size() ? Future.succeededFuture(results.get(i))
              : Future.failedFuture(new IllegalStateException("the batch statement answered " + results.size() + " of " + batch.size())));
        }
        answered.complete();
        return;
      }
      // The statement changed nothing (it failed as a whole, its transaction rolled back): each check is decided alone.
      LOG.warn("A batch of {} checks failed as a whole; deciding each alone: {}", batch.size(), done.cause().toString());
      Future.join(batch.stream().map(this::alone).toList()).onComplete(each -> answered.complete());
    });
    return answered.future();
  }

  /** Decides one check by its single statement; the future completes (never fails) once it is answered. */
  private Future<Void> alone(Waiting<I, O> w) {
    Future<O> one;
    try {
      one = statement.one(w.check());
    } catch (RuntimeException e) {
      one = Future.failedFuture(e);
    }
    one.onComplete(w.answer());
    return one.transform(done -> Future.succeededFuture());
  }
}
