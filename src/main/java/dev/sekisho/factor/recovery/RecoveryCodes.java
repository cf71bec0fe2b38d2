package dev.sekisho.factor.recovery;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.batch.GroupCommit;
import dev.sekisho.factor.code.SecondStepLimit;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Ten single-use recovery codes per member, shown once and stored only as keyed hashes. A code is
 * 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as xxxxx-xxxxx.
 * Using one is one conditional UPDATE: two requests with the same code cannot both pass.
 * Uses arriving together share one statement and one commit (RecoveryCheckBatch).
 */
public final class RecoveryCodes {
  private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;
  private final SecretBox box;
  private final int count;
  /** This verticle's group commit of code uses (RecoveryCheckBatch); with batching off, each alone. */
  private final GroupCommit<RecoveryCheckBatch.Attempt, Spent> checks;

  public RecoveryCodes(Pool pool, SecretBox box, int count, Batching batching) {
    this.checks = batching.of("recovery", new RecoveryCheckBatch(pool));
    this.pool = pool;
    this.box = box;
    this.count = count;
  }

  /** Replaces all of the member's codes with fresh ones, inside the caller's transaction. */
  public Future<List<String>> replace(SqlClient tx, long memberId) {
    List<String> codes = new ArrayList<>();
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String code = newCode();
      codes.add(code);
      rows.add(Tuple.of(memberId, box.hash(context(memberId), normalize(code)), box.activeKeyId()));
    }
    return tx.preparedQuery("delete from otp_recovery_code where member_id = $1").execute(Tuple.of(memberId))
        .compose(v -> tx.preparedQuery("insert into otp_recovery_code (member_id, code_hash, key_id) values ($1, $2, $3)")
            .executeBatch(rows))
        .map(v -> codes);
  }

  /** Fresh codes outside any other work (the account page). */
  public Future<List<String>> regenerate(long memberId) {
    return pool.withTransaction(tx -> replace(tx, memberId));
  }

  /** The first codes of a member who has none yet; an empty list when they already have codes. */
  public Future<List<String>> issueIfNone(long memberId) {
    return pool.withTransaction(tx -> issued(tx, memberId)
        .compose(has -> has ? Future.succeededFuture(List.<String>of()) : replace(tx, memberId)));
  }

  /** Whether the member has any codes (used or not): the first method set-up issues them. */
  public Future<Boolean> issued(SqlClient client, long memberId) {
    return client.preparedQuery("select exists (select 1 from otp_recovery_code where member_id = $1)")
        .execute(Tuple.of(memberId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** What a recovery code's check answers: the second step locked (nothing tried), or the code spent. */
  public record Spent(boolean locked, boolean used) {}

  /**
   * Spends one code unless the second step is locked, and clears the failure count when it was
   * valid and unused: one statement, shared with the checks arriving together (RecoveryCheckBatch).
   * A wrong code is counted by the caller.
   */
  public Future<Spent> use(long memberId, String typed) {
    String code = normalize(typed);
    // Under every key of the ring; not a code at all: no hash, only the lock read.
    Buffer[] hashes = code == null ? new Buffer[0]
        : Arrays.stream(box.hashes(context(memberId), code)).map(Buffer::buffer).toArray(Buffer[]::new);
    return checks.submit(new RecoveryCheckBatch.Attempt(memberId, SecondStepLimit.subject(memberId), hashes));
  }

  public Future<Integer> remaining(long memberId) {
    return pool.preparedQuery("select count(*) from otp_recovery_code where member_id = $1 and used_at is null")
        .execute(Tuple.of(memberId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  static String normalize(String typed) {
    if (typed == null || typed.length() > 64) {
      return null;
    }
    String s = java.text.Normalizer.normalize(typed, java.text.Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
        .replaceAll("[\\s\\-]", "");
    return s.length() == 10 && s.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0) ? s : null;
  }

  private static String context(long memberId) {
    return "recovery:" + memberId;
  }

  private static String newCode() {
    StringBuilder out = new StringBuilder(11);
    for (int i = 0; i < 10; i++) {
      if (i == 5) {
        out.append('-');
      }
      out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return out.toString();
  }
}
