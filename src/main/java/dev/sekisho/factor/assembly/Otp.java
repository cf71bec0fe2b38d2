package dev.sekisho.factor.assembly;

import dev.sekisho.factor.batch.Batching;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.factor.code.SecondStepLimit;
import dev.sekisho.factor.rotation.SecretRotation;
import dev.sekisho.factor.MethodDirectory;
import dev.sekisho.factor.email.EmailOtpService;
import dev.sekisho.factor.hotp.HotpService;
import dev.sekisho.factor.SecondFactor;
import dev.sekisho.factor.SecondFactors;
import dev.sekisho.factor.email.EmailFactor;
import dev.sekisho.factor.email.OtpCodeMail;
import dev.sekisho.factor.hotp.HotpFactor;
import dev.sekisho.factor.recovery.MethodActivation;
import dev.sekisho.factor.recovery.RecoveryFactor;
import dev.sekisho.factor.totp.TotpFactor;
import dev.sekisho.factor.recovery.RecoveryCodes;
import dev.sekisho.factor.totp.OtpCaches;
import dev.sekisho.factor.totp.TotpService;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.login.LoginThrottle;
import dev.sekisho.login.SendLimit;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/** The OTP services of one HTTP verticle, built over its pool. */
public record Otp(OtpSettings settings, TotpService totp, HotpService hotp, EmailOtpService email, RecoveryCodes recovery,
                  MethodDirectory methods, SecondStepLimit limit, SecretRotation rotation, OtpCaches caches) {

  /**
   * Every second factor, the passkey's (built where WebAuthn is) and the code factors': the one
   * list of factors there is. A new factor is one line here.
   */
  public SecondFactors factors(SecondFactor passkey) {
    return SecondFactors.of(passkey,
        new TotpFactor(totp),
        new EmailFactor(email, methods),
        new HotpFactor(hotp, methods),
        new RecoveryFactor(recovery, limit));
  }

  public static Otp create(Pool pool, SecretBox box, OtpSettings settings, LoginThrottle throttle, dev.sekisho.mail.MailOutbox mailer,
                           OtpCodeMail codeMail, Clock clock) {
    return create(pool, box, settings, throttle, null, mailer, codeMail, clock, OtpCaches.create(), Batching.OFF);
  }

  /**
   * @param sends the per-address limit on mail sent (null: only the per-member cooldown and hourly cap)
   * @param codeMail the email code's text, in the member's language
   * @param caches the process's caches, shared by its verticles
   * @param batching the verticle's group commit of checks (Batching.OFF: each check alone)
   */
  public static Otp create(Pool pool, SecretBox box, OtpSettings settings, LoginThrottle throttle, SendLimit sends,
                           dev.sekisho.mail.MailOutbox mailer, OtpCodeMail codeMail, Clock clock, OtpCaches caches, Batching batching) {
    SecondStepLimit limit = new SecondStepLimit(throttle, settings);
    RecoveryCodes recovery = new RecoveryCodes(pool, box, settings.recoveryCodes(), batching);
    MethodActivation activation = new MethodActivation(recovery);
    return new Otp(settings,
        new TotpService(pool, box, settings, limit, activation, clock, caches.totpKeys(), batching),
        new HotpService(pool, box, settings, limit, activation, batching),
        new EmailOtpService(pool, box, settings, limit, activation, mailer, sends, codeMail, batching),
        recovery, new MethodDirectory(pool), limit, new SecretRotation(pool, box), caches);
  }
}
