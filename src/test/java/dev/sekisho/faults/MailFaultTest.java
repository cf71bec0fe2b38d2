package dev.sekisho.faults;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Mailboxes;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import dev.sekisho.testing.WebClientSession;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP faults on the email one-time-password path, against real sockets: a relay that refuses
 * connections and one that accepts and never answers. The code mail waits in the outbox and is
 * retried with backoff; the member's page says the mail is delayed without losing their place;
 * when the relay works again the mail arrives once and its code signs the member in.
 */
class MailFaultTest {
  private static final Pattern CODE_LINE = Pattern.compile("(?m)^(\\d{6})\\r?$");

  @Test
  void codeMailWaitsWhileSmtpRefusesTheMemberIsToldAndTheCodeWorksOnceItArrives() {
    int smtpPort = TestGateway.freePort();
    try (TestGateway gateway = TestGateway.start(relayTo(smtpPort, "1"))) {
      String id = gateway.admin().newMember("smtpdown");
      Sql.memberSetUp(id, "email");
      WebClientSession browser = gateway.client();
      assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
      HttpResponse<String> first = browser.get("/sekisho/verify/email");
      assertThat(first.statusCode()).isEqualTo(200);

      // Connection refused, again and again: the row stays pending with its error, attempts grow (backoff 1 s).
      awaitAttempts(id, 2);
      assertThat(outbox(id, "status")).isIn("pending", "sending");

      // The member, reloading the page, is told the mail is delayed; no new code, same session and step.
      HttpResponse<String> again = browser.get("/sekisho/verify/email");
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).contains("メールの配信が遅れています").contains("再送信");
      assertThat(Sql.count("select count(*) from mail_outbox o join member m on m.id = o.member_id "
          + "where m.login_id = ? and o.kind = 'otp-code'", id)).isEqualTo(1);

      try (MailCatcher relay = MailCatcher.start(smtpPort)) {
        CaughtMail mail = Mailboxes.await(id + "@example.jp", 1, relay);
        HttpResponse<String> done = browser.post("/sekisho/verify/email", Map.of("code", code(mail)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location").orElse("")).doesNotContain("/sekisho/verify");
        assertThat(Mailboxes.count(id + "@example.jp", relay)).isEqualTo(1);
        assertThat(outbox(id, "status")).isEqualTo("sent");
      }
    }
  }

  @Test
  void aRelayThatAcceptsAndNeverAnswersTimesOutAndCannotHoldMailsBack() throws Exception {
    SilentServer silent = new SilentServer();
    int port = silent.port();
    try (TestGateway gateway = TestGateway.start(relayTo(port, "1"))) {
      String a = gateway.admin().newMember("smtphang");
      String b = gateway.admin().newMember("smtphang");
      for (String id : List.of(a, b)) {
        Sql.memberSetUp(id, "email");
        WebClientSession browser = gateway.client();
        assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
        // The page answers at once although the relay hangs: sending happens after the commit, elsewhere.
        assertThat(browser.get("/sekisho/verify/email").statusCode()).isEqualTo(200);
      }
      // Each attempt hangs on a silent socket until mail.sendTimeoutSeconds, then fails and is retried:
      // the attempts keep coming, so no mail is stuck behind a hung one.
      awaitAttempts(a, 2);
      awaitAttempts(b, 2);
      assertThat(silent.accepted()).isGreaterThanOrEqualTo(2);
      assertThat((String) outbox(a, "last_error")).isNotBlank();

      // The relay recovers (new connections now reach a real SMTP server; the hung ones stay hung):
      // both mails go out.
      try (MailCatcher relay = MailCatcher.start(TestGateway.freePort())) {
        silent.forwardTo(relay.port());
        Mailboxes.await(a + "@example.jp", 1, relay);
        Mailboxes.await(b + "@example.jp", 1, relay);
      }
    } finally {
      silent.close();
    }
  }

  /**
   * A gateway that stops while a mail is being sent lets the send finish before it closes its mail
   * client and database pool: the mail is recorded as sent, once. Closed under it, the row stayed
   * 'sending' and the next process sent the mail again.
   */
  @Test
  void aStoppingGatewayFinishesTheMailItIsSending() throws Exception {
    SilentServer slow = new SilentServer();
    try (MailCatcher relay = MailCatcher.start(TestGateway.freePort())) {
      slow.forwardTo(relay.port(), 1500);
      String id;
      try (TestGateway gateway = TestGateway.start(relayTo(slow.port(), "20"))) {
        id = gateway.admin().newMember("smtpstop");
        Sql.memberSetUp(id, "email");
        WebClientSession browser = gateway.client();
        assertThat(browser.login(id, AdminClient.RULE_PASSWORD).statusCode()).isEqualTo(303);
        assertThat(browser.get("/sekisho/verify/email").statusCode()).isEqualTo(200);
        // The code mail is on its way: the relay has its connection and keeps it waiting.
        long deadline = System.currentTimeMillis() + 30_000;
        while (slow.accepted() == 0 && System.currentTimeMillis() < deadline) {
          Thread.sleep(20);
        }
        assertThat(slow.accepted()).isPositive();
      }  // stops the gateway now, mid-send
      assertThat(outbox(id, "status")).isEqualTo("sent");
      assertThat(Mailboxes.count(id + "@example.jp", relay)).isEqualTo(1);
    } finally {
      slow.close();
    }
  }

  private static Map<String, String> relayTo(int port, String sendTimeoutSeconds) {
    return Map.of("mail.mode", "relay", "mail.host", "127.0.0.1", "mail.port", String.valueOf(port),
        "mail.retryBaseSeconds", "1", "mail.retryMaxSeconds", "1", "mail.pollMillis", "200",
        "mail.maxAttempts", "50", "mail.sendTimeoutSeconds", sendTimeoutSeconds);
  }

  private static Object outbox(String loginId, String column) {
    return Sql.value("select o." + column + " from mail_outbox o join member m on m.id = o.member_id "
        + "where m.login_id = ? and o.kind = 'otp-code' order by o.id desc limit 1", loginId);
  }

  private static void awaitAttempts(String loginId, int attempts) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      Object value = outbox(loginId, "attempts");
      if (value instanceof Number n && n.intValue() >= attempts && outbox(loginId, "last_error") != null) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("outbox attempts of " + loginId + " reach " + attempts).isLessThan(deadline);
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

  /**
   * Accepts SMTP connections and never says a word (no 220 greeting): a stuck relay. After
   * {@link #forwardTo}, new connections are piped to a real SMTP server instead (same port, so the
   * gateway's configuration stays as it is).
   */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private volatile int forwardPort;
    private volatile long forwardDelayMillis;

    SilentServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread accept = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket socket = server.accept();
            held.add(socket);
            if (forwardPort != 0) {
              if (forwardDelayMillis > 0) {
                Thread.sleep(forwardDelayMillis);
              }
              Socket upstream = new Socket("127.0.0.1", forwardPort);
              held.add(upstream);
              pipe(socket, upstream);
              pipe(upstream, socket);
            }
          } catch (IOException e) {
            if (server.isClosed()) {
              return;
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "silent-smtp");
      accept.setDaemon(true);
      accept.start();
    }

    private static void pipe(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try {
          from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
          // either side closed
        } finally {
          try {
            to.shutdownOutput();
          } catch (IOException ignored) {
            // already closed
          }
        }
      }, "smtp-pipe");
      t.setDaemon(true);
      t.start();
    }

    void forwardTo(int port) {
      forwardPort = port;
    }

    /** Forwards new connections, each only after this pause: a slow relay, with the mail in flight meanwhile. */
    void forwardTo(int port, long delayMillis) {
      forwardDelayMillis = delayMillis;
      forwardPort = port;
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
