package dev.sekisho.factor.email;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpAlgorithm;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.mail.MailOutbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sekisho.factor.OtpFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Email codes (mail in the outbox), recovery codes, secret encryption and key rotation, on the real database. */
class EmailRecoveryCryptoTest {
  static OtpFixtures.Services s;
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})$");

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** The member's newest mail body as it will be sent: the outbox holds it sealed with the secret ring. */
  static String lastBody(long member) {
    try (Connection c = OtpFixtures.jdbc(); PreparedStatement q = c.prepareStatement(
        "select kind, recipient, body, sealed_body, key_id from mail_outbox where member_id = ? order by id desc limit 1")) {
      q.setLong(1, member);
      try (ResultSet r = q.executeQuery()) {
        assertThat(r.next()).as("a mail for member " + member).isTrue();
        return MailOutbox.body(s.box, r.getString(1), r.getString(2), r.getString(3), r.getBytes(4), r.getString(5));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The code of the member's newest mail, as written to the outbox. */
  static String lastCode(long member) {
    String body = lastBody(member);
    Matcher m = CODE_LINE.matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return m.group(1);
  }

  static long emailMember() {
    long id = OtpFixtures.newMember("mail", "method_set_up", "email");
    OtpFixtures.sql("insert into member_method (member_id, method) values (?, 'email')", id);
    return id;
  }

  @Test
  void theMailFollowsTheManualAndTheCodeIsStoredOnlyHashed() {
    long member = emailMember();
    assertThat(await(s.otp.email().send(member, "m@example.jp", "関所 花子", false))).isEqualTo(EmailOtpService.SendResult.SENT);
    String subject = OtpFixtures.queryString("select subject from mail_outbox where member_id = ? order by id desc limit 1", member);
    assertThat(subject).isEqualTo("【Portal】ワンタイムパスワードのお知らせ");
    String body = lastBody(member);
    String code = lastCode(member);
    assertThat(body).contains("有効期限: 10分").contains("\n" + code + "\n");
    String stored = OtpFixtures.queryString("select encode(code_hash, 'hex') from otp_email_code where member_id = ?", member);
    assertThat(stored).hasSize(64).doesNotContain(code);
    // Opening the page again does not send another while the code is live.
    assertThat(await(s.otp.email().send(member, "m@example.jp", "関所 花子", false))).isEqualTo(EmailOtpService.SendResult.ALREADY_LIVE);
    assertThat(await(s.otp.email().verify(member, code))).isEqualTo(CheckResult.OK);
    assertThat(await(s.otp.email().verify(member, code))).isEqualTo(CheckResult.EXPIRED);
  }

  @Test
  void resendInvalidatesThePreviousCode() {
    long member = emailMember();
    await(s.otp.email().send(member, "m@example.jp", "", false));
    String first = lastCode(member);
    String second;
    do {
      assertThat(await(s.otp.email().send(member, "m@example.jp", "", true))).isEqualTo(EmailOtpService.SendResult.SENT);
      second = lastCode(member);
    } while (second.equals(first));
    assertThat(await(s.otp.email().verify(member, first))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.email().verify(member, second))).isEqualTo(CheckResult.OK);
  }

  @Test
  void resendHasACooldownAndAnHourlyCap() {
    try (OtpFixtures.Services cooling = new OtpFixtures.Services(s.box, OtpFixtures.settings(Duration.ofSeconds(60)))) {
      long member = emailMember();
      assertThat(await(cooling.otp.email().send(member, "m@example.jp", "", false))).isEqualTo(EmailOtpService.SendResult.SENT);
      assertThat(await(cooling.otp.email().send(member, "m@example.jp", "", true))).isEqualTo(EmailOtpService.SendResult.COOLDOWN);
    }
    long member = emailMember();
    for (int i = 0; i < 5; i++) {
      assertThat(await(s.otp.email().send(member, "m@example.jp", "", true))).isEqualTo(EmailOtpService.SendResult.SENT);
    }
    assertThat(await(s.otp.email().send(member, "m@example.jp", "", true))).isEqualTo(EmailOtpService.SendResult.HOURLY_CAP);
  }

  @Test
  void anExpiredCodeIsRefused() {
    long member = emailMember();
    await(s.otp.email().send(member, "m@example.jp", "", false));
    String code = lastCode(member);
    OtpFixtures.sql("update otp_email_code set expires_at = now() - interval '1 second' where member_id = ?", member);
    assertThat(await(s.otp.email().verify(member, code))).isEqualTo(CheckResult.EXPIRED);
  }

  @Test
  void fiveTriesPerCodeThenANewOneIsNeeded() {
    long member = emailMember();
    await(s.otp.email().send(member, "m@example.jp", "", false));
    String code = lastCode(member);
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (int i = 1; i <= 4; i++) {
      assertThat(await(s.otp.email().verify(member, wrong))).isEqualTo(CheckResult.INVALID);
    }
    // The fourth failure started a back-off wait (login.backoffAfter); as if it had passed:
    OtpFixtures.sql("update login_throttle set wait_until = now() where subject = ?", "otp:" + member);
    // The fifth wrong try uses the code up (and also reaches the second-step limit of 5).
    assertThat(await(s.otp.email().verify(member, wrong))).isIn(CheckResult.EXPIRED, CheckResult.LOCKED);
    OtpFixtures.sql("delete from login_throttle where subject = ?", "otp:" + member);
    assertThat(await(s.otp.email().verify(member, code))).isEqualTo(CheckResult.EXPIRED);
  }

  @Test
  void recoveryCodesAreSingleUseAndRegenerationReplacesThem() {
    long member = OtpFixtures.newMember("rec", "method_set_up", "totp");
    List<String> codes = await(s.otp.recovery().regenerate(member));
    assertThat(codes).hasSize(10).doesNotHaveDuplicates();
    assertThat(OtpFixtures.queryString("select count(*) from otp_recovery_code where member_id = ? and code_hash = convert_to(?, 'UTF8')",
        member, codes.get(0))).isEqualTo("0");
    assertThat(await(s.otp.recovery().use(member, codes.get(0))).used()).isTrue();
    assertThat(await(s.otp.recovery().use(member, codes.get(0))).used()).isFalse();
    assertThat(await(s.otp.recovery().use(member, codes.get(1).toUpperCase().replace("-", " "))).used()).isTrue();
    assertThat(await(s.otp.recovery().remaining(member))).isEqualTo(8);
    List<String> fresh = await(s.otp.recovery().regenerate(member));
    assertThat(await(s.otp.recovery().use(member, codes.get(2))).used()).isFalse();
    assertThat(await(s.otp.recovery().use(member, fresh.get(2))).used()).isTrue();
  }

  @Test
  void secretsRoundTripAndAreBoundToTheirKeyAndRow() {
    SecretBox box = OtpFixtures.box(Map.of("a", OtpFixtures.KEY_A), "a");
    byte[] secret = OtpFixtures.bytes(20, 3);
    byte[] sealed = box.seal(secret, "totp:1");
    assertThat(sealed).hasSize(12 + 20 + 16);
    assertThat(box.open("a", sealed, "totp:1")).isEqualTo(secret);
    assertThat(box.seal(secret, "totp:1")).isNotEqualTo(sealed); // fresh nonce each time
    assertThatThrownBy(() -> box.open("a", sealed, "totp:2")).isInstanceOf(IllegalStateException.class);
    byte[] tampered = sealed.clone();
    tampered[20] ^= 1;
    assertThatThrownBy(() -> box.open("a", tampered, "totp:1")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> OtpFixtures.box(Map.of("b", OtpFixtures.KEY_B), "b").open("a", sealed, "totp:1"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rotationReencryptsUnderTheActiveKeySoTheOldKeyCanGo() {
    SecretBox onlyA = OtpFixtures.box(Map.of("a", OtpFixtures.KEY_A), "a");
    byte[] key = OtpFixtures.bytes(20, 21);
    long member;
    try (OtpFixtures.Services before = new OtpFixtures.Services(onlyA, OtpFixtures.settings(Duration.ZERO))) {
      member = OtpFixtures.newMember("rot", "method_set_up", "totp");
      await(before.otp.totp().install(member, key, OtpAlgorithm.SHA1, 6, 30));
      await(before.otp.hotp().assign(member, "SN-R-" + member, key, 0, OtpAlgorithm.SHA1, 6));
    }
    assertThat(OtpFixtures.queryString("select key_id from otp_totp where member_id = ?", member)).isEqualTo("a");
    SecretBox both = OtpFixtures.box(Map.of("a", OtpFixtures.KEY_A, "b", OtpFixtures.KEY_B), "b");
    try (OtpFixtures.Services rotating = new OtpFixtures.Services(both, OtpFixtures.settings(Duration.ZERO))) {
      assertThat(await(rotating.otp.rotation().rotate())).isGreaterThanOrEqualTo(2);
      assertThat(await(rotating.otp.rotation().rotate())).isZero();
    }
    assertThat(OtpFixtures.queryString("select key_id from otp_totp where member_id = ?", member)).isEqualTo("b");
    // Recovery codes issued under key a still work while a stays in the ring.
    List<String> codes;
    try (OtpFixtures.Services before = new OtpFixtures.Services(onlyA, OtpFixtures.settings(Duration.ZERO))) {
      codes = await(before.otp.recovery().regenerate(member));
    }
    try (OtpFixtures.Services rotated = new OtpFixtures.Services(both, OtpFixtures.settings(Duration.ZERO))) {
      assertThat(await(rotated.otp.recovery().use(member, codes.get(0))).used()).isTrue();
    }
    assertThat(OtpFixtures.queryString("select key_id from otp_hotp where member_id = ?", member)).isEqualTo("b");
    SecretBox onlyB = OtpFixtures.box(Map.of("b", OtpFixtures.KEY_B), "b");
    try (OtpFixtures.Services after = new OtpFixtures.Services(onlyB, OtpFixtures.settings(Duration.ZERO))) {
      after.clock.setSeconds(2_200_000_000L);
      assertThat(await(after.otp.totp().verify(member, OtpAlgorithm.SHA1.text(key, 2_200_000_000L / 30, 6)))).isEqualTo(CheckResult.OK);
      assertThat(await(after.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 0, 6)))).isEqualTo(CheckResult.OK);
    }
  }
}
