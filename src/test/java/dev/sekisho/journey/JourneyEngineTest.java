package dev.sekisho.journey;


import dev.sekisho.db.Pools;
import dev.sekisho.member.MemberState;
import dev.sekisho.onboarding.OnboardingAdmin;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transition table as the database sees it: every move the engine makes or refuses, by each
 * actor, from every state to every state, against the real embedded PostgreSQL.
 */
class JourneyEngineTest {
  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, TestDatabase.target(), 4);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theEngineMakesExactlyTheMovesTheTableListsForEachActor() {
    for (Actor by : Actor.values()) {
      for (MemberState from : MemberState.values()) {
        for (MemberState to : MemberState.values()) {
          long id = member(from);
          Future<Boolean> move = JourneyEngine.move(pool, id, from, to, by, ColumnUpdates.none());
          if (Transitions.allows(from, to, by)) {
            assertThat(await(move)).as("%s -> %s by %s", from, to, by).isTrue();
            assertThat(state(id)).isEqualTo(to.code());
          } else {
            assertThatThrownBy(() -> await(move)).as("%s -> %s by %s", from, to, by)
                .isInstanceOf(JourneyEngine.RefusedMove.class);
            assertThat(state(id)).isEqualTo(from.code());
          }
        }
      }
    }
  }

  @Test
  void theInsurerCannotMoveAMemberThroughOnboardingNorTheMemberResetThemselves() {
    long id = member(MemberState.ISSUED);
    assertThatThrownBy(() -> await(JourneyEngine.move(pool, id, MemberState.ISSUED, MemberState.BIRTHDATE_VERIFIED,
        Actor.INSURER, ColumnUpdates.none()))).isInstanceOf(JourneyEngine.RefusedMove.class);
    long done = member(MemberState.METHOD_SET_UP);
    assertThatThrownBy(() -> await(JourneyEngine.move(pool, done, MemberState.METHOD_SET_UP, MemberState.ISSUED,
        Actor.MEMBER, ColumnUpdates.none()))).isInstanceOf(JourneyEngine.RefusedMove.class);
    assertThat(state(id)).isEqualTo("issued");
    assertThat(state(done)).isEqualTo("method_set_up");
  }

  @Test
  void aMemberNoLongerInFromIsLeftAsIsAndSoIsOneFailingTheExtraCondition() {
    long id = member(MemberState.BIRTHDATE_VERIFIED);
    assertThat(await(JourneyEngine.move(pool, id, MemberState.ISSUED, MemberState.BIRTHDATE_VERIFIED, Actor.MEMBER,
        ColumnUpdates.set("birthdate_verified_at = now()")))).isFalse();
    assertThat(Sql.value("select birthdate_verified_at from member where id = ?", id)).isNull();

    long setUp = member(MemberState.METHOD_SET_UP);
    assertThat(await(JourneyEngine.move(pool, setUp, MemberState.METHOD_SET_UP, MemberState.ONBOARDED, Actor.INSURER,
        ColumnUpdates.none().onlyIf("id <> $1")))).isFalse();
    assertThat(state(setUp)).isEqualTo("method_set_up");
  }

  @Test
  void theExtraColumnsAreWrittenWithTheMoveAndTheirParametersFollowTheStates() {
    long id = member(MemberState.TERMS_ACCEPTED);
    assertThat(await(JourneyEngine.move(pool, id, MemberState.TERMS_ACCEPTED, MemberState.EMAIL_CONFIRMED, Actor.MEMBER,
        ColumnUpdates.set("email = $4, email_confirmed_at = now()", "new@example.jp")))).isTrue();
    assertThat(Sql.value("select email from member where id = ?", id)).isEqualTo("new@example.jp");
    assertThat(Sql.value("select email_confirmed_at is not null from member where id = ?", id)).isEqualTo(true);
  }

  @Test
  void theInsurersResetGoesThroughTheEngineFromAnyState() {
    for (MemberState from : MemberState.values()) {
      long id = member(from);
      String loginId = (String) Sql.value("select login_id from member where id = ?", id);
      assertThat(await(new OnboardingAdmin(pool).reset(loginId)).getString("onboardingState")).isEqualTo("issued");
      assertThat(state(id)).as("reset from %s", from).isEqualTo("issued");
      assertThat(Sql.value("select chosen_method from member where id = ?", id)).isNull();
    }
  }

  static long member(MemberState state) {
    String loginId = "engine-" + UUID.randomUUID().toString().substring(0, 8);
    return (Long) Sql.value("insert into member (login_id, card_symbol, card_number, birthdate, name, email, password_hash, "
        + "onboarding_state, chosen_method) values (?, '12', '3456', date '1980-04-01', 'テスト', 'x@example.jp', '!', ?, 'totp') "
        + "returning id", loginId, state.code());
  }

  static String state(long id) {
    return (String) Sql.value("select onboarding_state from member where id = ?", id);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
