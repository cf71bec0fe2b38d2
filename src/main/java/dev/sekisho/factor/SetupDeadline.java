package dev.sekisho.factor;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The set-up deadline (J1.10) at the moment a member sets a method up. The login refuses a member
 * whose deadline passed, but a session opened before it could otherwise still set the method up
 * after it: every member-driven activation checks it again, inside its own transaction, so a
 * refusal rolls the whole set-up back. The insurer's own actions (assigning a token, installing a
 * key) are not bound by it; the insurer extends the deadline instead.
 */
public final class SetupDeadline {
  private SetupDeadline() {}

  /** Fails with {@link Passed} when the member is still to set a method up and the deadline has passed. */
  public static Future<Void> check(SqlClient tx, long memberId) {
    return tx.preparedQuery("select 1 from member where id = $1 and onboarding_state = 'onboarded' "
            + "and setup_deadline is not null and setup_deadline <= now()")
        .execute(Tuple.of(memberId))
        .compose(rows -> rows.size() > 0 ? Future.failedFuture(new Passed()) : Future.succeededFuture());
  }

  /** The set-up came too late; shown to the member as "ask your insurer" (login.setupExpired), never as an error. */
  public static final class Passed extends RuntimeException {
    public Passed() {
      super("set-up deadline passed", null, false, false);
    }
  }
}
