package dev.sekisho.factor.code;

import dev.sekisho.factor.CheckResult;
import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.hotp.HotpService;
import io.vertx.core.Future;
import io.vertx.ext.auth.otp.impl.org.openauthentication.otp.OneTimePasswordAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.sekisho.factor.OtpFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's TOTP/HOTP check path (services over the real PostgreSQL): RFC vectors for every
 * algorithm, skew edges, replay (sequential and concurrent), typed-input forms, the attempt limit,
 * HOTP window and resync, and the library gaps these close.
 */
class OtpCheckTest {
  static OtpFixtures.Services s;
  static final byte[] SHA1_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SHA256_KEY = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SHA512_KEY = "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

  @BeforeAll
  static void start() {
    s = new OtpFixtures.Services();
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static long totpMember(byte[] key, OtpAlgorithm algorithm, int digits) {
    long id = OtpFixtures.newMember("totp", "method_set_up", "totp");
    await(s.otp.totp().install(id, key, algorithm, digits, 30));
    return id;
  }

  private static String at(byte[] key, long seconds, int digits) {
    return OtpAlgorithm.SHA1.text(key, Math.floorDiv(seconds, 30), digits);
  }

  @Test
  void rfc6238VectorsPassThroughTheCheckPathForEachAlgorithm() {
    long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
    String[][] codes = {
        {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"},
        {"46119246", "68084774", "67062674", "91819424", "90698825", "77737706"},
        {"90693936", "25091201", "99943326", "93441116", "38618901", "47863826"}};
    byte[][] keys = {SHA1_KEY, SHA256_KEY, SHA512_KEY};
    OtpAlgorithm[] algorithms = {OtpAlgorithm.SHA1, OtpAlgorithm.SHA256, OtpAlgorithm.SHA512};
    for (int a = 0; a < 3; a++) {
      long member = totpMember(keys[a], algorithms[a], 8);
      for (int t = 0; t < times.length; t++) {
        s.clock.setSeconds(times[t]);
        assertThat(await(s.otp.totp().verify(member, codes[a][t])))
            .as("%s at %d", algorithms[a], times[t]).isEqualTo(CheckResult.OK);
      }
    }
  }

  @Test
  void theLibraryComputesSha1WhateverTheAlgorithmAndOursDoesNot() throws Exception {
    // vertx-auth-otp's code for the SHA-256 RFC key at T=59 is the HMAC-SHA-1 one: the RFC value is not produced.
    String library = OneTimePasswordAlgorithm.generateOTP(SHA256_KEY, 1, 8, false, -1);
    assertThat(library).isNotEqualTo("46119246");
    assertThat(OtpAlgorithm.SHA256.text(SHA256_KEY, 1, 8)).isEqualTo("46119246");
  }

  @Test
  void rfc4226VectorsPassThroughTheHotpCheckInOrder() {
    String[] codes = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"};
    long member = OtpFixtures.newMember("hotp", "method_set_up", null);
    assertThat(await(s.otp.hotp().assign(member, "SN-" + member, SHA1_KEY, 0, OtpAlgorithm.SHA1, 6)))
        .isEqualTo(HotpService.AssignResult.ASSIGNED);
    for (String code : codes) {
      assertThat(await(s.otp.hotp().verify(member, code))).as(code).isEqualTo(CheckResult.OK);
    }
    // Every one of them is used up now.
    assertThat(await(s.otp.hotp().verify(member, codes[9]))).isEqualTo(CheckResult.INVALID);
  }

  @Test
  void oneStepOfSkewEachWayAndNoMore() {
    byte[] key = OtpFixtures.bytes(20, 7);
    long now = 1_800_000_000L - 1_800_000_000L % 30; // the first second of a step
    for (long offset : new long[] {-30, 30}) {
      long member = totpMember(key, OtpAlgorithm.SHA1, 6);
      s.clock.setSeconds(now);
      assertThat(await(s.otp.totp().verify(member, at(key, now + offset, 6)))).as("offset %d", offset).isEqualTo(CheckResult.OK);
    }
    for (long offset : new long[] {-60, 60}) {
      long member = totpMember(key, OtpAlgorithm.SHA1, 6);
      s.clock.setSeconds(now);
      assertThat(await(s.otp.totp().verify(member, at(key, now + offset, 6)))).as("offset %d", offset).isEqualTo(CheckResult.INVALID);
    }
    // Last millisecond of a step: the next step's code is within skew, the one two steps ahead is not.
    long member = totpMember(key, OtpAlgorithm.SHA1, 6);
    s.clock.millis.set((now + 29) * 1000 + 999);
    assertThat(await(s.otp.totp().verify(member, at(key, now + 60, 6)))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.totp().verify(member, at(key, now + 30, 6)))).isEqualTo(CheckResult.OK);
  }

  @Test
  void aCodeIsRefusedTheSecondTimeAndEarlierStepsAfterALaterOne() {
    byte[] key = OtpFixtures.bytes(20, 9);
    long member = totpMember(key, OtpAlgorithm.SHA1, 6);
    long now = 1_900_000_020L;
    s.clock.setSeconds(now);
    String current = at(key, now, 6);
    assertThat(await(s.otp.totp().verify(member, current))).isEqualTo(CheckResult.OK);
    assertThat(await(s.otp.totp().verify(member, current))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.totp().verify(member, at(key, now - 30, 6)))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.totp().verify(member, at(key, now + 30, 6)))).isEqualTo(CheckResult.OK);
  }

  @Test
  void concurrentChecksWithOneCodeLetExactlyOnePass() {
    byte[] key = OtpFixtures.bytes(20, 11);
    long member = totpMember(key, OtpAlgorithm.SHA1, 6);
    long now = 1_950_000_000L;
    s.clock.setSeconds(now);
    String code = at(key, now, 6);
    // A second service instance (its own key cache) over another pool: like a second process.
    try (OtpFixtures.Services other = new OtpFixtures.Services()) {
      other.clock.setSeconds(now);
      List<Future<CheckResult>> all = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        all.add((i % 2 == 0 ? s : other).otp.totp().verify(member, code));
      }
      await(Future.join(all));
      long passed = all.stream().filter(f -> f.result() == CheckResult.OK).count();
      assertThat(passed).isEqualTo(1);
    }
  }

  @Test
  void codesTypedWithSpacesHyphensOrFullWidthDigitsAreAccepted() {
    byte[] key = OtpFixtures.bytes(20, 13);
    long member = totpMember(key, OtpAlgorithm.SHA1, 6);
    long now = 2_000_000_010L;
    String[] forms = new String[3];
    for (int i = 0; i < 3; i++) {
      String code = at(key, now + i * 30, 6);
      forms[i] = switch (i) {
        case 0 -> " " + code.substring(0, 3) + " " + code.substring(3) + " ";
        case 1 -> code.substring(0, 3) + "-" + code.substring(3);
        default -> fullWidth(code.substring(0, 3)) + "\u3000" + fullWidth(code.substring(3));
      };
    }
    for (int i = 0; i < 3; i++) {
      s.clock.setSeconds(now + i * 30);
      assertThat(await(s.otp.totp().verify(member, forms[i]))).as(forms[i]).isEqualTo(CheckResult.OK);
    }
    assertThat(CodeInput.digits("12a456", 6)).isNull();
    assertThat(CodeInput.digits("1234567", 6)).isNull();
  }

  static String fullWidth(String digits) {
    StringBuilder out = new StringBuilder();
    digits.chars().forEach(c -> out.append((char) (c - '0' + '０')));
    return out.toString();
  }

  @Test
  void wrongCodesLockTheSecondStepAndThenEvenTheRightCodeIsRefused() {
    byte[] key = OtpFixtures.bytes(20, 15);
    long member = totpMember(key, OtpAlgorithm.SHA1, 6);
    long now = 2_100_000_000L;
    s.clock.setSeconds(now);
    String right = at(key, now, 6);
    String wrong = right.equals("000000") ? "111111" : "000000";
    for (int i = 1; i <= 4; i++) {
      assertThat(await(s.otp.totp().verify(member, wrong))).isEqualTo(CheckResult.INVALID);
    }
    assertThat(await(s.otp.totp().verify(member, wrong))).isEqualTo(CheckResult.LOCKED);
    assertThat(await(s.otp.totp().verify(member, right))).isEqualTo(CheckResult.LOCKED);
    // The lock is the member's second step only; the password limit is a different subject.
    assertThat(OtpFixtures.queryString("select subject from login_throttle where subject = ?", "otp:" + member)).isNotNull();
    // After the insurer (or time) lifts it, the right code works, and a success clears the count.
    OtpFixtures.sql("delete from login_throttle where subject = ?", "otp:" + member);
    assertThat(await(s.otp.totp().verify(member, right))).isEqualTo(CheckResult.OK);
  }

  @Test
  void hotpAcceptsWithinTheWindowOnlyAndResyncsWithTwoConsecutiveCodes() {
    byte[] key = OtpFixtures.bytes(20, 17);
    long member = OtpFixtures.newMember("hotp", "method_set_up", null);
    await(s.otp.hotp().assign(member, "SN-W-" + member, key, 100, OtpAlgorithm.SHA1, 6));
    // Window 10: counter 100..109 accepted, 110 not.
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 110, 6)))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 109, 6)))).isEqualTo(CheckResult.OK);
    // Counter is now 110: 105 (behind) is refused.
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 105, 6)))).isEqualTo(CheckResult.INVALID);
    // The token ran ahead to 300: a single code is out of the window; two consecutive ones resync.
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 300, 6)))).isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.hotp().resync(member, OtpAlgorithm.SHA1.text(key, 300, 6), OtpAlgorithm.SHA1.text(key, 302, 6))))
        .isEqualTo(CheckResult.INVALID);
    assertThat(await(s.otp.hotp().resync(member, OtpAlgorithm.SHA1.text(key, 301, 6), OtpAlgorithm.SHA1.text(key, 302, 6))))
        .isEqualTo(CheckResult.OK);
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 303, 6)))).isEqualTo(CheckResult.OK);
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 302, 6)))).isEqualTo(CheckResult.INVALID);
    // Unassigned: no longer a method.
    assertThat(await(s.otp.hotp().unassign(member))).isTrue();
    assertThat(await(s.otp.hotp().verify(member, OtpAlgorithm.SHA1.text(key, 304, 6)))).isEqualTo(CheckResult.NOT_SET_UP);
    assertThat(OtpFixtures.queryString("select method from member_method where member_id = ?", member)).isNull();
  }
}
