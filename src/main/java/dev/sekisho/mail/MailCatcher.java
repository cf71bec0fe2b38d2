package dev.sekisho.mail;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.subethamail.smtp.server.SMTPServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real SMTP server in this process (subethasmtp) that keeps what it receives in memory: the
 * default run's mail destination, shown on the dev mailbox page, and what tests read. Loopback
 * only; keeps the newest {@value #KEEP} mails.
 */
public final class MailCatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MailCatcher.class);
  static final int KEEP = 500;

  private final SMTPServer server;
  private final List<CaughtMail> mails = new ArrayList<>();
  private final AtomicLong numbers = new AtomicLong();

  private MailCatcher(int port) {
    this.server = SMTPServer.port(port)
        .bindAddress(InetAddress.getLoopbackAddress())
        .hostName("sekisho-mail-catcher")
        .messageHandler((context, from, to, data) -> caught(from, to, data))
        .build();
  }

  /** Blocking: starts listening on 127.0.0.1 (port 0: any free port). */
  public static MailCatcher start(int port) {
    MailCatcher catcher = new MailCatcher(port);
    catcher.server.start();
    LOG.info("in-process SMTP server listening on 127.0.0.1:{}", catcher.port());
    return catcher;
  }

  public int port() {
    return server.getPortAllocated();
  }

  private void caught(String from, String to, byte[] data) {
    String subject = "";
    String body = "";
    String fromHeader = "";
    try {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
      subject = message.getSubject() == null ? "" : message.getSubject();
      body = text(message.getContent());
      if (message.getFrom() != null && message.getFrom().length > 0) {
        jakarta.mail.internet.InternetAddress sender = (jakarta.mail.internet.InternetAddress) message.getFrom()[0];
        fromHeader = sender.getPersonal() == null ? sender.getAddress() : sender.getPersonal() + " <" + sender.getAddress() + ">";
      }
    } catch (Exception e) {
      body = new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }
    CaughtMail mail = new CaughtMail(numbers.incrementAndGet(), Instant.now(), from, to, fromHeader, subject, body);
    synchronized (mails) {
      mails.add(mail);
      if (mails.size() > KEEP) {
        mails.remove(0);
      }
    }
  }

  private static String text(Object content) throws Exception {
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof MimeMultipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        Object part = multipart.getBodyPart(i).getContent();
        if (part instanceof String s) {
          return s;
        }
      }
    }
    return String.valueOf(content);
  }

  /** Every mail kept, newest first. */
  public List<CaughtMail> mails() {
    synchronized (mails) {
      List<CaughtMail> copy = new ArrayList<>(mails);
      java.util.Collections.reverse(copy);
      return copy;
    }
  }

  /** The newest mail to this address (the envelope recipient), if any. */
  public Optional<CaughtMail> latestTo(String address) {
    return mails().stream().filter(m -> m.to().equalsIgnoreCase(address)).findFirst();
  }

  public List<CaughtMail> allTo(String address) {
    return mails().stream().filter(m -> m.to().equalsIgnoreCase(address)).toList();
  }

  @Override
  public void close() {
    server.stop();
  }
}
