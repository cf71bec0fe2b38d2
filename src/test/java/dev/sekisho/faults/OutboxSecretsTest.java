package dev.sekisho.faults;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret waits in clear in the outbox: with the SMTP relay down, a confirmation mail and an
 * email-code mail sit in mail_outbox; the whole rows, read with SQL, contain neither the link's
 * token nor the code. When the relay comes back both mails arrive intact and work.
 */
class OutboxSecretsTest {
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})\\r?$");

  @Test
  void pendingMailsHoldNeitherTheLinkTokenNorTheCodeInClearAndStillArriveIntact() {
    int smtpPort = TestGateway.freePort();
    try (TestGateway gateway = TestGateway.start(Map.of("mail.mode", "relay", "mail.host", "127.0.0.1",
        "mail.port", String.valueOf(smtpPort), "mail.retryBaseSeconds", "1", "mail.retryMaxSeconds", "1",
        "mail.pollMillis", "200", "mail.maxAttempts", "50", "mail.sendTimeoutSeconds", "1"))) {
      // A confirmation link: a member at the confirmation step asks for the mail to the registered address.
      String onboarding = gateway.admin().newMember("sealed-link");
      Sql.memberState(onboarding, "terms_accepted", null);
      WebClientSession linkBrowser = gateway.client();
      linkBrowser.login(onboarding, AdminClient.RULE_PASSWORD);
      linkBrowser.get("/sekisho/onboarding/email");
      assertThat(linkBrowser.post("/sekisho/onboarding/email", Map.of("email", "")).statusCode()).isEqualTo(303);
      // An email code: a member signed in with the password reaches the email step.
      String codeMember = gateway.admin().newMember("sealed-code");
      Sql.memberSetUp(codeMember, "email");
      WebClientSession codeBrowser = gateway.client();
      assertThat(codeBrowser.login(codeMember, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      assertThat(codeBrowser.get("/sekisho/verify/email").statusCode()).isEqualTo(200);

      // Both tried and refused by the dead relay: the rows wait, as they would through an outage.
      awaitFailedAttempt(onboarding);
      awaitFailedAttempt(codeMember);
      String linkRow = row(onboarding);
      String codeRow = row(codeMember);

      try (MailCatcher relay = MailCatcher.start(smtpPort)) {
        CaughtMail linkMail = Mailboxes.await(onboarding + "@example.jp", 1, relay);
        CaughtMail codeMail = Mailboxes.await(codeMember + "@example.jp", 1, relay);
        String link = Mailboxes.link(linkMail);
        String token = link.substring(link.lastIndexOf('/') + 1).replaceFirst(".*[?&=]", "");
        assertThat(token).hasSizeGreaterThan(20);
        String code = code(codeMail);

        assertThat(linkRow).as("the waiting confirmation mail").doesNotContain(token).doesNotContain(link);
        assertThat(codeRow).as("the waiting code mail").doesNotContain(code);

        // Delivered intact: the link confirms the address, the code completes the sign-in.
        Object waiting = Sql.value("select onboarding_state from member where login_id = ?", onboarding);
        WebClientSession phone = new WebClientSession(gateway.baseUrl());
        assertThat(phone.get(link).statusCode()).isEqualTo(200);
        assertThat(phone.post("/sekisho/onboarding/confirm", Map.of("token", token)).statusCode()).isEqualTo(200);
        assertThat(Sql.value("select onboarding_state from member where login_id = ?", onboarding))
            .as("the link confirmed the address").isNotEqualTo(waiting);
        HttpResponse<String> signedIn = codeBrowser.post("/sekisho/verify/email", Map.of("code", code));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("/sekisho/verify");
      }
    }
  }

  /** The member's newest outbox row, every column, as PostgreSQL prints it. */
  private static String row(String loginId) {
    return (String) Sql.value("select row_to_json(o)::text from mail_outbox o join member m on m.id = o.member_id "
        + "where m.login_id = ? order by o.id desc limit 1", loginId);
  }

  private static void awaitFailedAttempt(String loginId) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (Sql.count("select count(*) from mail_outbox o join member m on m.id = o.member_id "
        + "where m.login_id = ? and o.attempts >= 1 and o.last_error is not null and o.status <> 'sent'", loginId) == 0) {
      assertThat(System.currentTimeMillis()).as("a failed delivery attempt for " + loginId).isLessThan(deadline);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static String code(CaughtMail mail) {
    Matcher m = CODE_LINE.matcher(mail.body());
    assertThat(m.find()).as(mail.body()).isTrue();
    return m.group(1);
  }
}
