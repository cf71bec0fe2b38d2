package dev.sekisho.factor.account;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Self-service (re-create the key, switch method, new recovery codes), the second-step lock over HTTP, key rotation by the insurer. */
class OtpAccountTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.maxFailures", "3"));
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})$");

  /** A signed-in member (COMPLETE) with TOTP; returns {client, key, recovery codes, login id}. */
  static Object[] signedIn() {
    String id = gateway.admin().newMember("acc");
    OtpFixtures.setState(id, "onboarded", "totp");
    WebClientSession c = gateway.client();
    Object[] setup = OtpFlowTest.setUpTotpOn(c, id);
    return new Object[] {c, setup[0], setup[1], id};
  }

  static String keyOf(String page) {
    Matcher m = KEY.matcher(page);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void recreatingTheKeyNeedsAFreshCodeAndTheOldKeyStopsWorking() {
    Object[] s = signedIn();
    WebClientSession c = (WebClientSession) s[0];
    byte[] oldKey = (byte[]) s[1];
    assertThat(c.get("/sekisho/account/otp").body()).contains("recreate-totp");
    // Without the prove step the set-up page of a complete session goes back to the account page.
    assertThat(c.get("/sekisho/setup/totp").headers().firstValue("Location").orElse("")).contains("/sekisho/account/otp");
    c.get("/sekisho/account/otp/prove?intent=recreate-totp");
    assertThat(c.post("/sekisho/account/otp/prove", Map.of("intent", "recreate-totp", "code", "000000")).statusCode()).isEqualTo(401);
    HttpResponse<String> proved = c.post("/sekisho/account/otp/prove", Map.of("intent", "recreate-totp", "code", OtpFlowTest.code(oldKey, 1)));
    assertThat(proved.headers().firstValue("Location").orElse("")).contains("/sekisho/setup/totp");
    String page = c.get("/sekisho/setup/totp").body();
    byte[] newKey = Base32Text.decode(keyOf(page));
    assertThat(newKey).isNotEqualTo(oldKey);
    HttpResponse<String> done = c.post("/sekisho/setup/totp", Map.of("code", OtpFlowTest.code(newKey, 0)));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location").orElse("")).contains("/sekisho/account/otp");
    // The old key no longer logs in; the new one does.
    WebClientSession again = gateway.client();
    again.login((String) s[3], AdminClient.RULE_PASSWORD);
    again.get("/sekisho/verify/totp");
    assertThat(again.post("/sekisho/verify/totp", Map.of("code", OtpFlowTest.code(oldKey, 1))).statusCode()).isEqualTo(401);
    assertThat(again.post("/sekisho/verify/totp", Map.of("code", OtpFlowTest.code(newKey, 1))).statusCode()).isEqualTo(303);
  }

  @Test
  void switchingToEmailAfterProvingTotpReplacesTheMethod() {
    Object[] s = signedIn();
    WebClientSession c = (WebClientSession) s[0];
    String id = (String) s[3];
    c.get("/sekisho/account/otp/prove?intent=switch-email");
    HttpResponse<String> proved = c.post("/sekisho/account/otp/prove", Map.of("intent", "switch-email", "code", OtpFlowTest.code((byte[]) s[1], 1)));
    assertThat(proved.headers().firstValue("Location").orElse("")).contains("/sekisho/setup/email");
    assertThat(c.get("/sekisho/setup/email").body()).contains("受信したワンタイムパスワードを入力してください").contains("再送信")
        .contains("※メールが届かない場合は再送信を選択してください");
    // Read the code from the mail as delivered: the outbox erases a body once it is sent. The code
    // mail, not the notice of the TOTP set-up that went to the same address.
    String body = dev.sekisho.testing.Mailboxes.awaitSubject(id + "@example.jp", "ワンタイムパスワードのお知らせ",
        dev.sekisho.testing.Mailboxes.of(gateway)).body();
    Matcher m = CODE_LINE.matcher(body);
    assertThat(m.find()).isTrue();
    HttpResponse<String> done = c.post("/sekisho/setup/email", Map.of("code", m.group(1)));
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(OtpFixtures.queryString("select string_agg(method, ',') from member_method mm join member m on m.id = mm.member_id where m.login_id = ?", id))
        .isEqualTo("email");
    assertThat(OtpFixtures.queryString("select count(*) from otp_totp t join member m on m.id = t.member_id where m.login_id = ?", id)).isEqualTo("0");
  }

  @Test
  void recoveryCodesAreRegeneratedFromTheAccountPage() {
    Object[] s = signedIn();
    WebClientSession c = (WebClientSession) s[0];
    @SuppressWarnings("unchecked")
    List<String> old = (List<String>) s[2];
    c.get("/sekisho/account/otp/prove?intent=recovery");
    HttpResponse<String> fresh = c.post("/sekisho/account/otp/prove", Map.of("intent", "recovery", "code", OtpFlowTest.code((byte[]) s[1], 1)));
    assertThat(fresh.statusCode()).isEqualTo(200);
    assertThat(fresh.body()).contains("recovery-codes").doesNotContain(old.get(0));
    WebClientSession d = gateway.client();
    d.login((String) s[3], AdminClient.RULE_PASSWORD);
    d.get("/sekisho/verify/recovery");
    assertThat(d.post("/sekisho/verify/recovery", Map.of("code", old.get(0))).statusCode()).isEqualTo(401);
  }

  @Test
  void afterARecoveryLoginTheMemberSetsANewKeyWithoutTheLostOne() {
    Object[] s = signedIn();
    @SuppressWarnings("unchecked")
    List<String> codes = (List<String>) s[2];
    WebClientSession c = gateway.client();
    c.login((String) s[3], AdminClient.RULE_PASSWORD);
    c.get("/sekisho/verify/recovery");
    c.post("/sekisho/verify/recovery", Map.of("code", codes.get(3)));
    c.get("/sekisho/account/otp/prove?intent=recreate-totp");
    HttpResponse<String> go = c.post("/sekisho/account/otp/prove", Map.of("intent", "recreate-totp"));
    assertThat(go.headers().firstValue("Location").orElse("")).contains("/sekisho/setup/totp");
    byte[] key = Base32Text.decode(keyOf(c.get("/sekisho/setup/totp").body()));
    assertThat(c.post("/sekisho/setup/totp", Map.of("code", OtpFlowTest.code(key, 0))).statusCode()).isEqualTo(303);
  }

  @Test
  void wrongCodesLockTheSecondStepButNotThePassword() {
    Object[] s = signedIn();
    String id = (String) s[3];
    WebClientSession c = gateway.client();
    c.login(id, AdminClient.RULE_PASSWORD);
    c.get("/sekisho/verify/totp");
    byte[] key = (byte[]) s[1];
    String right = OtpFlowTest.code(key, 1);
    String wrong = right.equals("000000") ? "111111" : "000000";
    assertThat(c.post("/sekisho/verify/totp", Map.of("code", wrong)).statusCode()).isEqualTo(401);
    assertThat(c.post("/sekisho/verify/totp", Map.of("code", wrong)).statusCode()).isEqualTo(401);
    HttpResponse<String> locked = c.post("/sekisho/verify/totp", Map.of("code", wrong));
    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.body()).contains("しばらくの間ログインできません");
    assertThat(c.post("/sekisho/verify/totp", Map.of("code", right)).statusCode()).isEqualTo(429);
    // The password step still works (its own limit); the second step stays locked.
    WebClientSession other = gateway.client();
    assertThat(other.login(id, AdminClient.RULE_PASSWORD).headers().firstValue("Location").orElse("")).contains("/sekisho/verify");
  }

  @Test
  void theInsurerRotatesSecretsToTheActiveKey() {
    HttpResponse<String> rotated = gateway.admin().call("POST", "/secrets/rotate", null, null);
    assertThat(rotated.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(rotated.body()).getString("activeKeyId")).isEqualTo("dev");
  }
}
