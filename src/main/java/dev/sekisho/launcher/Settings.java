package dev.sekisho.launcher;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.db.DatabaseSettings;
import dev.sekisho.gateway.GatewaySettings;
import dev.sekisho.login.LoginSettings;
import dev.sekisho.member.PasswordSettings;
import dev.sekisho.session.SessionSettings;
import dev.sekisho.web.WebSettings;
import io.vertx.core.json.JsonObject;

/**
 * Every section of the configuration, read and validated before anything starts, so a bad value
 * stops start-up at once with one line naming its key.
 */
public record Settings(JsonObject json, WebSettings web, DatabaseSettings db, PasswordSettings password,
                       LoginSettings login, SessionSettings session, String adminToken, DemoMember.Settings demo,
                       GatewaySettings gateway) {

  public static Settings from(JsonObject json) {
    ConfigReader config = new ConfigReader(json);
    return new Settings(json, WebSettings.from(config), DatabaseSettings.from(config), PasswordSettings.from(config),
        LoginSettings.from(config), SessionSettings.from(config), adminToken(config), DemoMember.Settings.from(config),
        GatewaySettings.from(config));
  }

  private static String adminToken(ConfigReader config) {
    String token = config.string("admin.token");
    if (!token.isEmpty() && token.length() < 24) {
      throw config.error("admin.token", "must be at least 24 characters (or empty to generate one per run)", "<hidden>");
    }
    return token;
  }
}
