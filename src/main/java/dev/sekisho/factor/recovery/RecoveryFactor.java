package dev.sekisho.factor.recovery;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.member.Method;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.code.SecondStepLimit;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * A single-use recovery code standing in for the member's method (J3.1 "lost my device"). The one
 * place a recovery code is checked, for the pages and the JSON API alike: refused while the second
 * step is locked for recovery, a wrong code counts toward the limit, a right one clears it.
 */
public final class RecoveryFactor implements SecondFactor {
  public static final String CODE = "recovery";

  private final RecoveryCodes codes;
  private final SecondStepLimit limit;

  public RecoveryFactor(RecoveryCodes codes, SecondStepLimit limit) {
    this.codes = codes;
    this.limit = limit;
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public Method method() {
    return null;
  }

  @Override
  public Future<CheckResult> verify(Answer answer) {
    long memberId = answer.memberId();
    // The lock read, the code spent and the limit cleared are one statement (RecoveryCodes.use).
    return codes.use(memberId, answer.code()).compose(spent -> spent.locked() ? Future.succeededFuture(CheckResult.LOCKED)
        : spent.used() ? Future.succeededFuture(CheckResult.OK) : limit.fail(memberId));
  }

  @Override
  public Future<Boolean> configuredFor(long memberId) {
    return codes.remaining(memberId).map(n -> n > 0);
  }

  @Override
  public Future<Void> removeCredential(SqlClient tx, long memberId) {
    return tx.preparedQuery("delete from otp_recovery_code where member_id = $1").execute(Tuple.of(memberId)).mapEmpty();
  }
}
