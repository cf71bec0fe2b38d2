package dev.sekisho.factor;

import dev.sekisho.factor.assembly.Otp;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.crypto.SecretSettings;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import dev.sekisho.factor.email.OtpCodeMail;
import dev.sekisho.mail.MailOutbox;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers: members and states put straight into the test database over JDBC, services over a real pool. */
public final class OtpFixtures {
  public static final byte[] KEY_A = bytes(32, 1);
  public static final byte[] KEY_B = bytes(32, 2);

  private OtpFixtures() {}

  public static byte[] bytes(int n, int seed) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (seed * 31 + i);
    }
    return out;
  }

  public static Connection jdbc() throws SQLException {
    DatabaseTarget t = TestDatabase.target();
    return DriverManager.getConnection("jdbc:postgresql://" + t.host() + ":" + t.port() + "/" + t.database(), t.user(), t.password());
  }

  /** A member row made directly (state and chosen method as given); returns its id. */
  public static long newMember(String prefix, String state, String chosen) {
    String loginId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement("""
        insert into member (login_id, card_symbol, card_number, birthdate, name, email, password_hash, onboarding_state, chosen_method)
        values (?, '12', '3456', date '1980-04-01', 'テスト', ?, 'x', ?, ?) returning id""")) {
      s.setString(1, loginId);
      s.setString(2, loginId + "@example.jp");
      s.setString(3, state);
      s.setString(4, chosen);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts a member made through the admin API into a journey state (as if J1 had been walked). */
  public static long setState(String loginId, String state, String chosen) {
    try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement(
        // As the onboarding journey leaves it: terms of the configured version accepted, email confirmed.
        "update member set onboarding_state = ?, chosen_method = ?, password_must_change = false, terms_version = 'v1', "
            + "terms_accepted_at = now(), email_confirmed_at = now(), birthdate_verified_at = now(), "
            + "password_changed_at = now(), onboarded_at = now() where login_id = ? returning id")) {
      s.setString(1, state);
      s.setString(2, chosen);
      s.setString(3, loginId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void sql(String statement, Object... args) {
    try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String queryString(String statement, Object... args) {
    try (Connection c = jdbc(); PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static SecretBox box(Map<String, byte[]> keys, String active) {
    return new SecretBox(new SecretSettings(keys, active, false));
  }

  public static OtpSettings settings(Duration cooldown) {
    return new OtpSettings("Portal", 30, 1, 10, Duration.ofMinutes(10), 5, cooldown, 5, 5, Duration.ofMinutes(15), 10);
  }

  /** A clock the test sets. */
  public static final class TestClock extends Clock {
    public final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    public void setSeconds(long seconds) {
      millis.set(seconds * 1000);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }

  /** Services over a real pool on their own Vert.x. */
  public static final class Services implements AutoCloseable {
    public final Vertx vertx = Vertx.vertx();
    public final Pool pool = Pools.create(vertx, TestDatabase.target(), 8);
    public final TestClock clock = new TestClock();
    public final Otp otp;
    public final SecretBox box;

    public Services(SecretBox box, OtpSettings settings) {
      this.box = box;
      this.otp = Otp.create(pool, box, settings, new LoginThrottle(pool), new MailOutbox(vertx, pool, box),
          new OtpCodeMail(mailTemplates(), settings.issuer(), "健康保険組合"), clock);
    }

    /** Checks grouped as configured (group commit); batchSizes is told each statement's name and size. */
    public Services(dev.sekisho.factor.batch.BatchSettings batch, java.util.function.ObjIntConsumer<String> batchSizes) {
      this.box = box(Map.of("a", KEY_A), "a");
      OtpSettings settings = settings(Duration.ZERO);
      this.otp = Otp.create(pool, box, settings, new LoginThrottle(pool), null, new MailOutbox(vertx, pool, box),
          new OtpCodeMail(mailTemplates(), settings.issuer(), "健康保険組合"), clock, dev.sekisho.factor.totp.OtpCaches.create(),
          new dev.sekisho.factor.batch.Batching(vertx, batch, batchSizes));
    }

    /** The mail texts the gateway loads at start-up, read here on the test's thread. */
    private static MailTemplates mailTemplates() {
      try {
        return MailTemplates.load(java.util.List.of(OtpCodeMail.TEMPLATE), java.util.List.of("ja", "en"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    public Services() {
      this(box(Map.of("a", KEY_A), "a"), settings(Duration.ZERO));
    }

    @Override
    public void close() {
      await(pool.close());
      await(vertx.close());
    }
  }
}
