package dev.sekisho.gateway;

import dev.sekisho.config.ConfigReader;

import java.util.List;

/**
 * The names of the headers the gateway sets for the portal, and the inbound names that pose as
 * them ({@link PosingHeaders}). Clients can never send them: inbound copies are removed.
 */
public record IdentityHeaders(String user, String name, String email, String method, String session, PosingHeaders posing) {

  static IdentityHeaders from(ConfigReader config) {
    String user = name(config, "gateway.headers.user");
    String name = name(config, "gateway.headers.name");
    String email = name(config, "gateway.headers.email");
    String method = name(config, "gateway.headers.method");
    String session = name(config, "gateway.headers.session");
    return new IdentityHeaders(user, name, email, method, session,
        new PosingHeaders(List.of(user, name, email, method, session), stripped(config)));
  }

  public List<String> all() {
    return List.of(user, name, email, method, session);
  }

  private static String name(ConfigReader config, String key) {
    String value = config.requiredString(key);
    if (!value.matches("[A-Za-z0-9-]{1,64}")) {
      throw config.error(key, "must be a header name (letters, digits, dashes)", value);
    }
    return value;
  }

  private static List<String> stripped(ConfigReader config) {
    List<String> names = config.strings("gateway.strippedHeaders");
    for (String value : names) {
      if (!value.matches("[A-Za-z0-9_-]{1,64}\\*?")) {
        throw config.error("gateway.strippedHeaders", "must hold header names, or a name prefix ending in *", value);
      }
    }
    return names;
  }
}
