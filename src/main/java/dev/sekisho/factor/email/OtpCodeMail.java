package dev.sekisho.factor.email;

import dev.sekisho.mail.MailTemplates;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The one-time password mail's text, from webroot/mail/otp-code.LANG.txt in the language of the
 * page that asked for it, as the confirmation mail is: the words live in the template files, not
 * here. The issuer (otp.issuer) names the portal in the subject; the sender's name (mail.fromName)
 * signs it.
 */
public final class OtpCodeMail {
  /** The template's name, as listed among the mail texts loaded at start-up. */
  public static final String TEMPLATE = "otp-code";
  private static final ZoneId JAPAN = ZoneId.of("Asia/Tokyo");
  private static final Map<String, DateTimeFormatter> CLOCKS = Map.of(
      "ja", DateTimeFormatter.ofPattern("M月d日 H:mm"),
      "en", DateTimeFormatter.ofPattern("HH:mm 'JST', d MMM", java.util.Locale.ENGLISH));

  private final MailTemplates templates;
  private final String issuer;
  private final String fromName;

  public OtpCodeMail(MailTemplates templates, String issuer, String fromName) {
    this.templates = templates;
    this.issuer = issuer;
    this.fromName = fromName;
  }

  public MailTemplates.Text render(String lang, String name, String code, Duration validity, OffsetDateTime expires) {
    String language = CLOCKS.containsKey(lang) ? lang : "ja";
    return templates.render(TEMPLATE, language, Map.of(
        "issuer", issuer,
        "name", name == null ? "" : name,
        "code", code,
        "minutes", Long.toString(validity.toMinutes()),
        "expires", CLOCKS.get(language).format(expires.atZoneSameInstant(JAPAN)),
        "fromName", fromName == null ? "" : fromName));
  }
}
