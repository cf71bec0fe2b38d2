package dev.sekisho.launcher;

import dev.sekisho.factor.totp.OtpCaches;
import dev.sekisho.web.ServingListeners;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.gateway.Upstream;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.onboarding.OnboardingTexts;
import dev.sekisho.web.I18n;
import dev.sekisho.web.Templates;

import java.nio.file.Path;
import java.util.List;

/**
 * What the main verticle prepares once, off the event loop, and hands to every HTTP verticle:
 * all of it immutable or thread-safe. mailCatcher is the in-process SMTP server, null unless
 * mail.mode is embedded; tests read caught mails through it. embeddedPidFile is the embedded
 * server's postmaster.pid (null with an external database): /health watches it, as it watches
 * the public listeners that register in listeners.
 */
public record Infrastructure(Settings settings, DatabaseTarget database, PasswordHasher hasher, Templates templates,
                             I18n i18n, String adminToken, MailTemplates mailTemplates, MailCatcher mailCatcher,
                             OnboardingTexts onboardingTexts, SecretBox secrets,
                             List<Upstream> upstreams, OtpCaches otpCaches, Path embeddedPidFile,
                             ServingListeners listeners) {

  /** The in-process SMTP server's port (mail.mode embedded), else the relay's. */
  public int smtpPort() {
    return mailCatcher != null ? mailCatcher.port() : settings.mail().port();
  }
}
