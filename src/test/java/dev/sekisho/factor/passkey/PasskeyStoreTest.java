package dev.sekisho.factor.passkey;

import dev.sekisho.audit.AuditEvent;
import dev.sekisho.db.Pools;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The passkey storage rules against the real embedded PostgreSQL. */
class PasskeyStoreTest {
  static Vertx vertx;
  static Pool pool;
  static PasskeyStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, TestDatabase.target(), 4);
    store = new PasskeyStore(pool);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

  record TestMember(long id, String loginId) {
  }

  static TestMember member(String state) {
    String loginId = "store-" + UUID.randomUUID().toString().substring(0, 8);
    long id = (Long) Sql.value("insert into member (login_id, card_symbol, card_number, birthdate, name, email, password_hash, "
        + "onboarding_state, chosen_method) values (?, '12', '3456', date '1980-04-01', 'テスト', 'x@example.jp', '!', ?, 'passkey') "
        + "returning id", loginId, state);
    return new TestMember(id, loginId);
  }

  static NewPasskey key(TestMember m, String credentialId, long signCount) {
    return new NewPasskey(m.id(), m.loginId(), credentialId, new byte[] {1, 2, 3}, signCount,
        "00000000-0000-0000-0000-000000000000", "none", List.of("internal", "hybrid"), NewPasskey.FLAG_BACKUP_ELIGIBLE, "PC");
  }

  static AuditEvent event(TestMember m) {
    return AuditEvent.of(m.id(), m.loginId(), "passkey.register", "ok", new AuditEvent.Client("127.0.0.1", "test"));
  }

  static String credentialId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  static PasskeyRefused.Reason refusal(Runnable action) {
    try {
      action.run();
    } catch (PasskeyRefused refused) {
      return refused.reason();
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void activationStoresTheKeyAddsTheMethodAndEndsSetUp() {
    TestMember m = member("onboarded");
    String cred = credentialId();
    long id = await(store.activate(key(m, cred, 0), 20, event(m)));
    assertThat(id).isPositive();
    assertThat(Sql.value("select onboarding_state from member where id = ?", m.id())).isEqualTo("method_set_up");
    assertThat(Sql.value("select count(*) from member_method where member_id = ? and method = 'passkey'", m.id())).isEqualTo(1L);
    List<Passkey> keys = await(store.list(m.id()));
    assertThat(keys).singleElement().satisfies(k -> {
      assertThat(k.transports()).containsExactly("internal", "hybrid");
      assertThat(k.backupEligible()).isTrue();
      assertThat(k.backupState()).isFalse();
      assertThat(k.aaguid()).isEqualTo("00000000-0000-0000-0000-000000000000");
    });
    // Lookups the library makes: by member, by credential, by both (which must agree).
    assertThat(await(store.find(m.loginId(), null))).hasSize(1);
    assertThat(await(store.find(null, cred))).singleElement().satisfies(a -> {
      assertThat(a.getUsername()).isEqualTo(m.loginId());
      assertThat(PasskeyStore.decode(a.getPublicKey())).containsExactly(1, 2, 3);
    });
    assertThat(await(store.find(m.loginId(), cred))).hasSize(1);
    TestMember other = member("onboarded");
    assertThat(await(store.find(other.loginId(), cred))).isEmpty();
  }

  @Test
  void aFirstPasskeyAfterTheSetUpDeadlineIsRefusedAndChangesNothing() {
    // Issue 12 item 7: a session opened before the deadline must not set the method up after it.
    TestMember late = member("onboarded");
    Sql.update("update member set setup_deadline = now() - interval '1 minute' where id = ?", late.id());
    assertThat(refusal(() -> await(store.activate(key(late, credentialId(), 0), 20, event(late)))))
        .isEqualTo(PasskeyRefused.Reason.SETUP_EXPIRED);
    assertThat(Sql.value("select onboarding_state from member where id = ?", late.id())).isEqualTo("onboarded");
    assertThat(await(store.list(late.id()))).isEmpty();
    // Within the deadline the same set-up goes through.
    TestMember inTime = member("onboarded");
    Sql.update("update member set setup_deadline = now() + interval '1 day' where id = ?", inTime.id());
    await(store.activate(key(inTime, credentialId(), 0), 20, event(inTime)));
    assertThat(Sql.value("select onboarding_state from member where id = ?", inTime.id())).isEqualTo("method_set_up");
  }

  @Test
  void duplicateCredentialAndAnotherMembersLoginIdAreRefused() {
    TestMember m = member("onboarded");
    TestMember victim = member("method_set_up");
    String cred = credentialId();
    await(store.activate(key(m, cred, 0), 20, event(m)));
    // The same credential id again: for the same member or for another one.
    assertThat(refusal(() -> await(store.activate(key(m, cred, 0), 20, event(m))))).isEqualTo(PasskeyRefused.Reason.DUPLICATE);
    assertThat(refusal(() -> await(store.activate(key(victim, cred, 0), 20, event(victim)))))
        .isEqualTo(PasskeyRefused.Reason.DUPLICATE);
    // A credential labelled with someone else's login ID while this member is signed in: takeover refused.
    NewPasskey takeover = new NewPasskey(m.id(), victim.loginId(), credentialId(), new byte[] {1}, 0, null, "none",
        List.of(), 0, "x");
    assertThat(refusal(() -> await(store.activate(takeover, 20, event(m))))).isEqualTo(PasskeyRefused.Reason.NOT_YOURS);
    assertThat(await(store.list(victim.id()))).isEmpty();
    // The limit per member.
    await(store.activate(key(m, credentialId(), 0), 2, event(m)));
    assertThat(refusal(() -> await(store.activate(key(m, credentialId(), 0), 2, event(m)))))
        .isEqualTo(PasskeyRefused.Reason.TOO_MANY);
  }

  @Test
  void signCounterMustRiseUnlessBothAreZero() {
    TestMember m = member("onboarded");
    String synced = credentialId();
    await(store.activate(key(m, synced, 0), 20, event(m)));
    // Synced passkeys report 0 every time: allowed while the stored count is 0 too.
    await(store.updateCounter(synced, 0));
    await(store.updateCounter(synced, 0));
    await(store.updateCounter(synced, 5));
    assertThat(refusal(() -> await(store.updateCounter(synced, 5)))).isEqualTo(PasskeyRefused.Reason.COUNTER);
    assertThat(refusal(() -> await(store.updateCounter(synced, 3)))).isEqualTo(PasskeyRefused.Reason.COUNTER);
    assertThat(refusal(() -> await(store.updateCounter(synced, 0)))).isEqualTo(PasskeyRefused.Reason.COUNTER);
    await(store.updateCounter(synced, 6));
    assertThat(Sql.value("select sign_count from passkey where credential_id = ?", synced)).isEqualTo(6L);
    assertThat(Sql.value("select last_used_at is not null from member_method where member_id = ?", m.id())).isEqualTo(true);
    assertThat(refusal(() -> await(store.updateCounter(credentialId(), 9)))).isEqualTo(PasskeyRefused.Reason.COUNTER);
  }

  @Test
  void aPasskeySignInEndsAHeldSecondStepButARefusedOneDoesNot() {
    TestMember m = member("method_set_up");
    String cred = credentialId();
    await(store.activate(key(m, cred, 0), 20, event(m)));
    // Held at once (a bound of 1), as after login.maxConsecutiveFailures wrong codes.
    LoginThrottle throttle = new LoginThrottle(pool, LoginThrottle.Backoff.DEFAULT, LoginThrottle.AddressLimit.DEFAULT, 1);
    String subject = LoginThrottle.otpSubject(m.id());
    assertThat(await(throttle.recordFailure(subject, 5, Duration.ofMinutes(15), Duration.ofMinutes(15)))).isTrue();
    assertThat(await(throttle.anyLocked(List.of(subject)))).isTrue();

    await(store.updateCounter(cred, 3));
    assertThat(refusal(() -> await(store.updateCounter(cred, 3)))).isEqualTo(PasskeyRefused.Reason.COUNTER);
    await(throttle.recordFailure(subject, 5, Duration.ofMinutes(15), Duration.ofMinutes(15)));
    assertThat(await(throttle.anyLocked(List.of(subject)))).as("a refused assertion frees nothing").isTrue();
    await(store.updateCounter(cred, 4));
    assertThat(await(throttle.anyLocked(List.of(subject)))).as("a passkey success ends the hold").isFalse();
  }

  @Test
  void twoRacingSignInsWithTheSameCounterCannotBothWin() {
    TestMember m = member("onboarded");
    String cred = credentialId();
    await(store.activate(key(m, cred, 10), 20, event(m)));
    List<Future<Void>> racing = List.of(store.updateCounter(cred, 11), store.updateCounter(cred, 11),
        store.updateCounter(cred, 11), store.updateCounter(cred, 11));
    await(Future.join(racing).otherwiseEmpty());
    assertThat(racing.stream().filter(Future::succeeded).count()).isEqualTo(1);
  }

  @Test
  void challengesAreSingleUseBoundToMemberAndPurposeAndExpire() {
    TestMember m = member("onboarded");
    TestMember other = member("onboarded");
    await(store.issueChallenge("c1", PasskeyService.LOGIN, m.id(), Duration.ofMinutes(5)));
    assertThat(await(store.consumeChallenge("c1", PasskeyService.REGISTER, m.id()))).isFalse();
    assertThat(await(store.consumeChallenge("c1", PasskeyService.LOGIN, other.id()))).isFalse();
    assertThat(await(store.consumeChallenge("c1", PasskeyService.LOGIN, m.id()))).isTrue();
    assertThat(await(store.consumeChallenge("c1", PasskeyService.LOGIN, m.id()))).isFalse();
    await(store.issueChallenge("c2", PasskeyService.LOGIN, m.id(), Duration.ofSeconds(-1)));
    assertThat(await(store.consumeChallenge("c2", PasskeyService.LOGIN, m.id()))).isFalse();
    // Stored hashed, never as given.
    assertThat(Sql.value("select count(*) from passkey_challenge where challenge_hash = convert_to('c1', 'UTF8')")).isEqualTo(0L);
  }

  @Test
  void theLastPasskeyGoesOnlyWhenAnotherMethodIsSetUp() {
    TestMember m = member("onboarded");
    long first = await(store.activate(key(m, credentialId(), 0), 20, event(m)));
    long second = await(store.activate(key(m, credentialId(), 0), 20, event(m)));
    await(store.remove(m.id(), first, event(m)));
    assertThat(refusal(() -> await(store.remove(m.id(), second, event(m))))).isEqualTo(PasskeyRefused.Reason.LAST_METHOD);
    assertThat(refusal(() -> await(store.remove(m.id(), first, event(m))))).isEqualTo(PasskeyRefused.Reason.NOT_FOUND);
    Sql.update("insert into member_method (member_id, method) values (?, 'totp')", m.id());
    await(store.remove(m.id(), second, event(m)));
    assertThat(await(store.list(m.id()))).isEmpty();
    assertThat(Sql.value("select string_agg(method, ',') from member_method where member_id = ?", m.id())).isEqualTo("totp");
    // Another member's passkey cannot be removed or renamed through this member.
    TestMember other = member("onboarded");
    long theirs = await(store.activate(key(other, credentialId(), 0), 20, event(other)));
    assertThat(refusal(() -> await(store.remove(m.id(), theirs, event(m))))).isEqualTo(PasskeyRefused.Reason.NOT_FOUND);
    assertThat(await(store.rename(m.id(), theirs, "mine now"))).isFalse();
  }

  @Test
  void userHandleIsStablePerMember() {
    TestMember m = member("onboarded");
    byte[] first = await(store.userHandle(m.id(), new byte[] {1, 1, 1}));
    byte[] again = await(store.userHandle(m.id(), new byte[] {2, 2, 2}));
    assertThat(again).isEqualTo(first).containsExactly(1, 1, 1);
  }

  @Test
  void deviceNamesComeFromTheUserAgent() {
    assertThat(DeviceName.from("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")).isEqualTo("Edge (Windows)");
    assertThat(DeviceName.from("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).isEqualTo("Safari (iPhone)");
    assertThat(DeviceName.from("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/131.0.0.0 Mobile Safari/537.36")).isEqualTo("Chrome (Android)");
    assertThat(DeviceName.from(null)).isEqualTo("Passkey");
    assertThat(DeviceName.clean("  a\tb\n ")).isEqualTo("a b");
    assertThat(DeviceName.clean("   ")).isNull();
    assertThat(DeviceName.clean("x".repeat(100))).hasSize(DeviceName.MAX_LENGTH);
  }
}
