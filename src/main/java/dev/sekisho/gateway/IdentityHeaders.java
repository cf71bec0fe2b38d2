package dev.sekisho.gateway;

import dev.sekisho.config.ConfigReader;

import java.util.List;

/** The names of the headers the gateway sets for the portal. Clients can never send them: inbound copies are removed. */
public record IdentityHeaders(String user, String name, String email, String method, String session) {

  static IdentityHeaders from(ConfigReader config) {
    return new IdentityHeaders(name(config, "gateway.headers.user"), name(config, "gateway.headers.name"),
        name(config, "gateway.headers.email"), name(config, "gateway.headers.method"),
        name(config, "gateway.headers.session"));
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
}
