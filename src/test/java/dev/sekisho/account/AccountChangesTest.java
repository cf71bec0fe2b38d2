package dev.sekisho.account;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.SignedIn;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The account page's password and email changes over HTTP, the refusals the browser test does not
 * walk: CSRF, the current password's guessing limit (the login's own), the policy's messages, and the
 * email link's single use, revocation by a newer request, cooldown and unknown tokens.
 */
class AccountChangesTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("login.maxFailures", "3"));
  private static final String PASSWORD = "/sekisho/account/password";
  private static final String EMAIL = "/sekisho/account/email";

  @Test
  void thePagesAreForSignedInMembersAndAFormWithoutItsCsrfTokenChangesNothing() {
    WebClientSession visitor = gateway.client();
    assertThat(visitor.get(PASSWORD).headers().firstValue("Location")).contains("/sekisho/login");
    assertThat(visitor.get(EMAIL).headers().firstValue("Location")).contains("/sekisho/login");

    WebClientSession member = gateway.client();
    String id = SignedIn.member(gateway, member, "hotp");
    String hash = (String) Sql.value("select password_hash from member where login_id = ?", id);
    HttpResponse<String> forged = member.postRaw(PASSWORD, "current_password=" + AdminClient.RULE_PASSWORD
        + "&password=Tq7wLm3zRv8n-Kite&password_confirm=Tq7wLm3zRv8n-Kite", "application/x-www-form-urlencoded");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(Sql.value("select password_hash from member where login_id = ?", id)).isEqualTo(hash);
  }

  @Test
  void theNewPasswordFollowsThePolicyAndDiffersFromTheCurrentOne() {
    WebClientSession member = gateway.client();
    String id = SignedIn.member(gateway, member, "hotp");
    assertThat(member.get(PASSWORD).body()).contains("id=\"password-meter\"").contains("name=\"end_others\"");
    assertThat(change(member, "", "Tq7wLm3zRv8n-Kite").body()).contains("現在のパスワードを入力してください");
    assertThat(member.post(PASSWORD, Map.of("current_password", AdminClient.RULE_PASSWORD, "password", "Tq7wLm3zRv8n-Kite",
        "password_confirm", "Tq7wLm3zRv8n-Kitf")).body()).contains("一致しません");
    assertThat(change(member, AdminClient.RULE_PASSWORD, AdminClient.RULE_PASSWORD).body())
        .contains("現在のパスワードとは異なる");
    assertThat(change(member, AdminClient.RULE_PASSWORD, "short1A").body()).contains("短すぎます");
    assertThat(change(member, AdminClient.RULE_PASSWORD, "iloveyou1234").statusCode()).isEqualTo(400);
    assertThat(change(member, AdminClient.RULE_PASSWORD, id + "-Kx9mv").statusCode()).as("contains the user ID").isEqualTo(400);
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).as("unchanged").isEqualTo(303);
    HttpResponse<String> changed = change(member, AdminClient.RULE_PASSWORD, "Tq7wLm3zRv8n-Kite");
    assertThat(changed.statusCode()).as("redirect after the POST: a reload sends nothing again").isEqualTo(303);
    assertThat(member.follow(changed.headers().firstValue("Location").orElseThrow()).body()).contains("パスワードを変更しました")
        .doesNotContain("current_password");
    assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'password.change' and outcome = 'ok'", id))
        .isEqualTo(1);
  }

  /** ASVS 2.1.6 with 2.2.1: a stolen session is no oracle for the password. */
  @Test
  void wrongCurrentPasswordsLockTheIdLikeWrongLoginsAndTellTheMemberOnce() {
    WebClientSession member = gateway.client();
    String id = SignedIn.member(gateway, member, "hotp");
    assertThat(change(member, "wrong-1", "Tq7wLm3zRv8n-Kite").statusCode()).isEqualTo(400);
    assertThat(change(member, "wrong-2", "Tq7wLm3zRv8n-Kite").statusCode()).isEqualTo(400);
    HttpResponse<String> third = change(member, "wrong-3", "Tq7wLm3zRv8n-Kite");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(change(member, AdminClient.RULE_PASSWORD, "Tq7wLm3zRv8n-Kite").statusCode())
        .as("even the right one while locked").isEqualTo(429);
    assertThat(gateway.client().login(id, AdminClient.RULE_PASSWORD).statusCode()).as("login locked too").isEqualTo(429);
    Mailboxes.awaitSubject(id + "@example.jp", "アカウントが一時的にロックされました", Mailboxes.of(gateway));
    assertThat(Sql.count("select count(*) from mail_outbox o join member m on m.id = o.member_id "
        + "where m.login_id = ? and o.kind = 'notice-account-locked'", id)).isEqualTo(1);
  }

  @Test
  void anEmailLinkConfirmsOnceAndANewerRequestRevokesTheOlderLink() {
    WebClientSession member = gateway.client();
    String id = SignedIn.member(gateway, member, "hotp");
    member.get(EMAIL);
    assertThat(member.post(EMAIL, Map.of("email", "not an address")).statusCode()).isEqualTo(400);
    assertThat(member.post(EMAIL, Map.of("email", id + "@EXAMPLE.JP")).body()).contains("現在のメールアドレスと同じです");
    String first = "first-" + id + "@example.jp";
    assertThat(member.post(EMAIL, Map.of("email", first)).statusCode()).isEqualTo(200);
    String firstLink = Mailboxes.link(Mailboxes.awaitSubject(first, "新しいメールアドレスの確認", Mailboxes.of(gateway)));
    assertThat(member.post(EMAIL, Map.of("email", "x-" + first)).statusCode()).as("within the cooldown").isEqualTo(429);

    Sql.update("update email_change set created_at = created_at - interval '1 hour' where member_id = "
        + "(select id from member where login_id = ?)", id);
    String second = "second-" + id + "@example.jp";
    assertThat(member.post(EMAIL, Map.of("email", second)).statusCode()).isEqualTo(200);
    CaughtMail secondMail = Mailboxes.awaitSubject(second, "新しいメールアドレスの確認", Mailboxes.of(gateway));
    String secondLink = Mailboxes.link(secondMail);

    WebClientSession anyBrowser = gateway.client();
    assertThat(anyBrowser.get(firstLink).statusCode()).as("revoked by the newer request").isEqualTo(410);
    assertThat(anyBrowser.get(EmailChange.CONFIRM_PATH + "?token=" + "A".repeat(43)).statusCode()).isEqualTo(404);
    assertThat(anyBrowser.get(secondLink).body()).contains("confirm-button");
    String token = secondLink.substring(secondLink.indexOf("token=") + "token=".length());
    assertThat(anyBrowser.post(EmailChange.CONFIRM_PATH, Map.of("token", token)).statusCode()).isEqualTo(200);
    assertThat(Sql.value("select email from member where login_id = ?", id)).isEqualTo(second);
    assertThat(anyBrowser.post(EmailChange.CONFIRM_PATH, Map.of("token", token)).statusCode()).as("used").isEqualTo(410);
    assertThat(Sql.value("select email from member where login_id = ?", id)).isEqualTo(second);
  }

  private static HttpResponse<String> change(WebClientSession member, String current, String next) {
    member.get(PASSWORD);
    return member.post(PASSWORD, Map.of("current_password", current, "password", next, "password_confirm", next));
  }
}
