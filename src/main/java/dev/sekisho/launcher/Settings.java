package dev.sekisho.launcher;

import dev.sekisho.factor.batch.BatchSettings;
import dev.sekisho.factor.code.OtpSettings;
import dev.sekisho.config.ConfigReader;
import dev.sekisho.config.RunMode;
import dev.sekisho.crypto.SecretSettings;
import dev.sekisho.db.DatabaseSettings;
import dev.sekisho.factor.passkey.PasskeySettings;
import dev.sekisho.gateway.GatewaySettings;
import dev.sekisho.login.LoginSettings;
import dev.sekisho.mail.MailSettings;
import dev.sekisho.member.PasswordSettings;
import dev.sekisho.metrics.MetricsSettings;
import dev.sekisho.onboarding.OnboardingSettings;
import dev.sekisho.ops.ManagementSettings;
import dev.sekisho.session.SessionSettings;
import dev.sekisho.web.WebSettings;
import io.vertx.core.json.JsonObject;

/**
 * Every section of the configuration, read and validated before anything starts, so a bad value
 * stops start-up at once with one line naming its key.
 */
public record Settings(JsonObject json, WebSettings web, DatabaseSettings db, PasswordSettings password,
                       LoginSettings login, SessionSettings session, String adminToken, DemoMember.Settings demo,
                       MailSettings mail, OnboardingSettings onboarding, PasskeySettings passkey,
                       SecretSettings secrets, OtpSettings otp, GatewaySettings gateway, MetricsSettings metrics,
                       RunMode mode, boolean embeddedDbInProduction, ManagementSettings management,
                       BatchSettings otpBatch) {

  /** The settings of a development run (tests and tools that start a gateway in-process). */
  public static Settings from(JsonObject json) {
    return from(json, RunMode.DEVELOPMENT);
  }

  public static Settings from(JsonObject json, RunMode mode) {
    ConfigReader config = new ConfigReader(json);
    WebSettings web = WebSettings.from(config);
    return new Settings(json, web, DatabaseSettings.from(config), PasswordSettings.from(config),
        LoginSettings.from(config), SessionSettings.from(config), adminToken(config), DemoMember.Settings.from(config),
        MailSettings.from(config), OnboardingSettings.from(config), PasskeySettings.from(config, web.publicOrigin()),
        secrets(config, mode), OtpSettings.from(config), GatewaySettings.from(config),
        MetricsSettings.from(config), mode, config.bool("db.embedded.allowInProduction"), ManagementSettings.from(config),
        BatchSettings.from(config));
  }

  /** Production lists a missing key among all its refusals at once (DevelopmentParts) rather than stopping here. */
  private static SecretSettings secrets(ConfigReader config, RunMode mode) {
    return SecretSettings.from(config, !mode.production() && SessionSettings.from(config).secureCookies());
  }

  private static String adminToken(ConfigReader config) {
    String token = config.string("admin.token");
    if (!token.isEmpty() && token.length() < 24) {
      throw config.error("admin.token", "must be at least 24 characters (or empty: the admin API is then off, except in the development run, which generates one)", "<hidden>");
    }
    return token;
  }
}
