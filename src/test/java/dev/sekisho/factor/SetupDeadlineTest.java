package dev.sekisho.factor;

import dev.sekisho.factor.code.Base32Text;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The set-up deadline holds inside a session (issue 12, item 7): a session opened before the
 * deadline cannot set the method up after it passed. The set-up is refused with the "ask your
 * insurer" message and changes nothing.
 */
class SetupDeadlineTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  private static final Pattern KEY = Pattern.compile("data-key=\"([A-Z2-7]+)\"");
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})$");

  @Test
  void aTotpSetUpStartedBeforeTheDeadlineIsRefusedAfterIt() {
    String id = gateway.admin().newMember("late");
    OtpFixtures.setState(id, "onboarded", "totp");
    OtpFixtures.sql("update member set setup_deadline = now() + interval '1 day' where login_id = ?", id);
    WebClientSession browser = gateway.client();
    HttpResponse<String> login = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/setup/totp");
    HttpResponse<String> page = browser.get("/sekisho/setup/totp");
    Matcher m = KEY.matcher(page.body());
    assertThat(m.find()).isTrue();
    byte[] key = Base32Text.decode(m.group(1));

    OtpFixtures.sql("update member set setup_deadline = now() - interval '1 minute' where login_id = ?", id);
    HttpResponse<String> late = browser.post("/sekisho/setup/totp", Map.of("code", OtpFlowTest.code(key, 0)));

    assertThat(late.statusCode()).isEqualTo(403);
    assertThat(late.body()).contains("認証方法の設定期限を過ぎている");
    assertThat(OtpFixtures.queryString("select onboarding_state from member where login_id = ?", id)).isEqualTo("onboarded");
    assertThat(OtpFixtures.queryString("select count(*) from member_method mm join member m on m.id = mm.member_id "
        + "where m.login_id = ?", id)).isEqualTo("0");
    assertThat(OtpFixtures.queryString("select count(*) from otp_totp t join member m on m.id = t.member_id "
        + "where m.login_id = ?", id)).isEqualTo("0");
  }

  @Test
  void anEmailSetUpStartedBeforeTheDeadlineIsRefusedAfterIt() {
    String id = gateway.admin().newMember("latemail");
    OtpFixtures.setState(id, "onboarded", "email");
    OtpFixtures.sql("update member set setup_deadline = now() + interval '1 day' where login_id = ?", id);
    WebClientSession browser = gateway.client();
    HttpResponse<String> login = browser.login(id, AdminClient.RULE_PASSWORD);
    assertThat(login.headers().firstValue("Location")).contains("/sekisho/setup/email");
    assertThat(browser.get("/sekisho/setup/email").statusCode()).isEqualTo(200);
    String body = dev.sekisho.testing.Mailboxes.await(id + "@example.jp", 1, dev.sekisho.testing.Mailboxes.of(gateway)).body();
    Matcher m = CODE_LINE.matcher(body);
    assertThat(m.find()).isTrue();

    OtpFixtures.sql("update member set setup_deadline = now() - interval '1 minute' where login_id = ?", id);
    HttpResponse<String> late = browser.post("/sekisho/setup/email", Map.of("code", m.group(1)));

    assertThat(late.statusCode()).isEqualTo(403);
    assertThat(late.body()).contains("認証方法の設定期限を過ぎている");
    assertThat(OtpFixtures.queryString("select onboarding_state from member where login_id = ?", id)).isEqualTo("onboarded");
    assertThat(OtpFixtures.queryString("select count(*) from member_method mm join member m on m.id = mm.member_id "
        + "where m.login_id = ?", id)).isEqualTo("0");
  }
}
