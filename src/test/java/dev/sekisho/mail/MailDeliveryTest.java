package dev.sekisho.mail;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox against real SMTP: a relay that is down when the mail is written gets it once it is
 * up (nothing lost), and a mail that keeps failing is marked failed and shown to the insurer.
 */
class MailDeliveryTest {

  @Test
  void mailWrittenWhileSmtpIsDownIsDeliveredWhenItComesUp() {
    int smtpPort = TestGateway.freePort();
    try (TestGateway gateway = TestGateway.start(relayTo(smtpPort, "50"))) {
      AdminClient admin = gateway.admin();
      String id = admin.newMember("down");
      String address = id + "@example.jp";
      reachEmailStep(gateway, id);

      // Several attempts fail (connection refused) and are visible as undelivered.
      JsonObject pending = awaitUndelivered(admin, address, m -> m.getInteger("attempts") >= 2);
      assertThat(pending.getString("status")).isIn("pending", "sending");
      assertThat(pending.getString("lastError")).isNotBlank();
      assertThat(pending.getString("kind")).isEqualTo("email-confirm");
      assertThat(pending.getString("userId")).isEqualTo(id);

      try (MailCatcher relay = MailCatcher.start(smtpPort)) {
        CaughtMail mail = Mailboxes.await(address, 1, relay);
        assertThat(mail.subject()).contains("メールアドレスの確認");
        assertThat(Mailboxes.link(mail)).contains("/sekisho/onboarding/confirm?token=");
        assertThat(Sql.value("select count(*) from mail_outbox where recipient = ? and status = 'sent' and body = ''", address))
            .isEqualTo(1L);
        assertThat(undelivered(admin).stream().map(JsonObject.class::cast).noneMatch(m -> address.equals(m.getString("recipient"))))
            .isTrue();
        // Delivered exactly once.
        assertThat(Mailboxes.count(address, relay)).isEqualTo(1);
      }
    }
  }

  @Test
  void mailThatKeepsFailingIsMarkedFailedForTheInsurer() {
    int deadPort = TestGateway.freePort();
    try (TestGateway gateway = TestGateway.start(relayTo(deadPort, "2"))) {
      AdminClient admin = gateway.admin();
      String id = admin.newMember("fail");
      reachEmailStep(gateway, id);
      JsonObject failed = awaitUndelivered(admin, id + "@example.jp", m -> "failed".equals(m.getString("status")));
      assertThat(failed.getInteger("attempts")).isEqualTo(2);
      assertThat(failed.getString("lastError")).isNotBlank();
      assertThat(admin.call("GET", "/mail/undelivered", null, null).statusCode()).isEqualTo(200);
      assertThat(gateway.client().get("/sekisho/admin/api/mail/undelivered").statusCode()).isEqualTo(401);
      // No dev mailbox outside the embedded mode.
      assertThat(gateway.client().get("/sekisho/dev/mailbox").statusCode()).isEqualTo(404);
    }
  }

  private static Map<String, String> relayTo(int port, String maxAttempts) {
    return Map.of("mail.mode", "relay", "mail.host", "127.0.0.1", "mail.port", String.valueOf(port),
        "mail.retryBaseSeconds", "1", "mail.retryMaxSeconds", "1", "mail.pollMillis", "200",
        "mail.maxAttempts", maxAttempts);
  }

  private static void reachEmailStep(TestGateway gateway, String id) {
    WebClientSession browser = gateway.client();
    assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
    browser.get("/sekisho/onboarding/birthdate");
    browser.post("/sekisho/onboarding/birthdate", Map.of("birthdate", "1980-04-01"));
    browser.get("/sekisho/onboarding/terms");
    browser.post("/sekisho/onboarding/terms", Map.of("agree", "yes"));
    browser.get("/sekisho/onboarding/email");
    HttpResponse<String> sent = browser.post("/sekisho/onboarding/email", Map.of("email", ""));
    assertThat(sent.statusCode()).isEqualTo(303);
  }

  private static JsonArray undelivered(AdminClient admin) {
    HttpResponse<String> response = admin.call("GET", "/mail/undelivered", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body()).getJsonArray("mails");
  }

  private static JsonObject awaitUndelivered(AdminClient admin, String address, Predicate<JsonObject> condition) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (Object o : undelivered(admin)) {
        JsonObject mail = (JsonObject) o;
        if (address.equals(mail.getString("recipient")) && condition.test(mail)) {
          return mail;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the outbox never showed the expected state for " + address + ": " + undelivered(admin).encodePrettily());
  }
}
