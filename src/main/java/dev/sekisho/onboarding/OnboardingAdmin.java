package dev.sekisho.onboarding;

import dev.sekisho.journey.Actor;
import dev.sekisho.journey.ColumnUpdates;
import dev.sekisho.journey.JourneyEngine;
import dev.sekisho.member.MemberState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The insurer's levers on onboarding: extend the set-up deadline, start onboarding over. */
public final class OnboardingAdmin {
  private final Pool pool;

  public OnboardingAdmin(Pool pool) {
    this.pool = pool;
  }

  /**
   * A new deadline, days from now, for a member who finished onboarding but has not set up the
   * method. Null when there is no such member in that state.
   */
  public Future<JsonObject> extendDeadline(String loginId, int days) {
    return pool.preparedQuery("update member set setup_deadline = now() + make_interval(days => $2), updated_at = now() "
            + "where login_id = $1 and onboarding_state = $3 returning id, setup_deadline")
        .execute(Tuple.of(loginId, days, MemberState.ONBOARDED.code()))
        .map(rows -> rows.size() == 0 ? null : new JsonObject().put("memberId", rows.iterator().next().getLong(0))
            .put("userId", loginId).put("setupDeadline", rows.iterator().next().getOffsetDateTime(1).toString()));
  }

  /**
   * Back to 'issued' (the insurer's reset, see Transitions): what the steps
   * recorded is cleared, outstanding links stop working and the member's sessions end.
   * Null when there is no such member.
   */
  public Future<JsonObject> reset(String loginId) {
    return pool.withTransaction(tx -> tx.preparedQuery("select id, onboarding_state from member where login_id = $1 for update")
        .execute(Tuple.of(loginId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((JsonObject) null);
          }
          Row member = rows.iterator().next();
          long id = member.getLong(0);
          // Locked above: the state read is the one moved from, so the reset cannot be a no-op.
          return JourneyEngine.move(tx, id, MemberState.of(member.getString(1)), MemberState.ISSUED, Actor.INSURER,
                  ColumnUpdates.set("chosen_method = null, birthdate_verified_at = null, terms_version = null, "
                      + "terms_accepted_at = null, email_confirmed_at = null, onboarded_at = null, setup_deadline = null"))
              .compose(v -> tx.preparedQuery("update email_confirmation set revoked_at = now() where member_id = $1 and used_at is null and revoked_at is null")
                  .execute(Tuple.of(id)))
              .compose(v -> tx.preparedQuery("delete from http_session where member_id = $1").execute(Tuple.of(id)))
              .map(v -> new JsonObject().put("memberId", id).put("userId", loginId).put("onboardingState", MemberState.ISSUED.code()));
        }));
  }
}
