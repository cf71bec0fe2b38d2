package dev.sekisho.testing;

import dev.sekisho.mail.CaughtMail;
import dev.sekisho.mail.MailCatcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what in-process SMTP servers caught: a gateway's own (mail.mode embedded) or one a test
 * started. Waits by re-checking until the mail is there (a bounded wait for an asynchronous
 * delivery, not a measurement).
 */
public final class Mailboxes {
  private static final Pattern LINK = Pattern.compile("https?://\\S+");
  private static final long WAIT_MS = 30_000;

  private Mailboxes() {}

  public static MailCatcher of(TestGateway gateway) {
    return Objects.requireNonNull(gateway.main().infrastructure().mailCatcher(), "gateway has no embedded mail");
  }

  /** Waits until at least count mails to this address arrived (in any of the catchers); returns the newest. */
  public static CaughtMail await(String to, int count, MailCatcher... catchers) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (true) {
      List<CaughtMail> all = new ArrayList<>();
      Arrays.stream(catchers).forEach(c -> all.addAll(c.allTo(to)));
      if (all.size() >= count) {
        return all.stream().max((a, b) -> a.receivedAt().compareTo(b.receivedAt())).orElseThrow();
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no mail #" + count + " to " + to + " arrived (have " + all.size() + ")");
      }
      pause(50);
    }
  }

  /** Waits for a mail to the address whose subject contains the words (other mails may come before it). */
  public static CaughtMail awaitSubject(String to, String subjectPart, MailCatcher... catchers) {
    return awaitSubject(to, subjectPart, 1, catchers);
  }

  /**
   * Waits until at least count mails to the address have a subject with the words; returns the
   * newest of them. Other mails to the same address (security notices) are not counted.
   */
  public static CaughtMail awaitSubject(String to, String subjectPart, int count, MailCatcher... catchers) {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (true) {
      List<CaughtMail> about = about(to, subjectPart, catchers);
      if (about.size() >= count) {
        return about.stream().max((a, b) -> a.receivedAt().compareTo(b.receivedAt())).orElseThrow();
      }
      if (System.currentTimeMillis() > deadline) {
        List<String> all = new ArrayList<>();
        Arrays.stream(catchers).forEach(c -> c.allTo(to).forEach(m -> all.add(m.subject())));
        throw new AssertionError("no mail #" + count + " to " + to + " about '" + subjectPart + "'; have: " + all);
      }
      pause(50);
    }
  }

  /** How many mails to the address have a subject with the words. */
  public static int countSubject(String to, String subjectPart, MailCatcher... catchers) {
    return about(to, subjectPart, catchers).size();
  }

  private static List<CaughtMail> about(String to, String subjectPart, MailCatcher... catchers) {
    List<CaughtMail> about = new ArrayList<>();
    Arrays.stream(catchers).forEach(c -> c.allTo(to).stream().filter(m -> m.subject().contains(subjectPart)).forEach(about::add));
    return about;
  }

  public static int count(String to, MailCatcher... catchers) {
    return Arrays.stream(catchers).mapToInt(c -> c.allTo(to).size()).sum();
  }

  /** The first http(s) link in the mail body. */
  public static String link(CaughtMail mail) {
    Matcher m = LINK.matcher(mail.body());
    if (!m.find()) {
      throw new AssertionError("no link in mail: " + mail.body());
    }
    return m.group();
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
