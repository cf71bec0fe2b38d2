package dev.sekisho.launcher;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.RunMode;
import dev.sekisho.web.AddressMatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts that make the development run work out of the box and must never face real members:
 * the mail catcher with its dev mailbox (every confirmation link and code, to anyone), the demo
 * upstream and demo member (a known password), the built-in secrets key, a generated admin token,
 * cookies without Secure, the embedded database. Production refuses each, naming the key to set;
 * in any mode they are refused on an address other than loopback.
 */
public final class DevelopmentParts {
  private static final AddressMatcher LOOPBACK = new AddressMatcher(List.of("127.0.0.0/8", "::1"));

  private DevelopmentParts() {}

  /** Stops start-up when the settings are not fit for the mode they were started in. */
  static void check(Settings settings) {
    List<String> problems = new ArrayList<>(exposed(settings));
    if (settings.mode().production()) {
      problems.addAll(productionRefusals(settings));
    }
    if (!problems.isEmpty()) {
      String mode = settings.mode().production() ? "production (" + RunMode.PRODUCTION.command() + ")" : "the development run";
      throw new ConfigException("Sekisho will not start in " + mode + ":\n  - " + String.join("\n  - ", problems));
    }
  }

  /** What production refuses, one line each, naming the key (and variable) that turns it off. */
  public static List<String> productionRefusals(Settings s) {
    List<String> out = new ArrayList<>();
    if (s.mail().embedded()) {
      out.add(key("mail.mode") + " is embedded (the mail catcher and dev mailbox): set it to relay, with mail.host and mail.port");
    }
    if (s.gateway().demoEnabled()) {
      out.add(key("gateway.demoUpstream.enabled") + " is true (the demo portal): set it to false and list the portal in gateway.upstreams");
    }
    if (s.demo().enabled()) {
      out.add(key("demo.member") + " is true (a member with a published password): set it to false");
    }
    if (s.secrets().devKey()) {
      out.add(key("secrets.keys") + " is not set (OTP secrets would use the built-in development key): set id=base64key");
    }
    if (s.adminToken().isEmpty()) {
      out.add(key("admin.token") + " is not set (a token would be generated and logged): set one of 24 characters or more");
    }
    if (!s.session().secureCookies()) {
      out.add(key("http.secureCookies") + " is false (session cookies without Secure): set it to true behind a TLS proxy, "
          + "or set http.tls.certPath and http.tls.keyPath");
    }
    String origin = s.web().publicOrigin();
    // Left at the built-in default, mails would link to localhost: production names its origin.
    boolean leftAtDefault = origin.equals(ConfigLoader.builtInDefault("http.publicOrigin"));
    if (leftAtDefault || (!origin.startsWith("https://") && !isLocalhostOrigin(origin))) {
      out.add(key("http.publicOrigin") + " is " + origin + ": set the https origin members use "
          + "(an http://localhost origin only for a trial on one machine)");
    }
    if (s.db().embedded() && !s.embeddedDbInProduction()) {
      out.add(key("db.url") + " is not set (the embedded database): set the external database's URL, "
          + "or db.embedded.allowInProduction=true for a single-machine install");
    }
    return out;
  }

  /** Development parts on an address other than loopback: refused in any mode. */
  static List<String> exposed(Settings s) {
    if (isLoopback(s.web().host())) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    String where = " while " + key("http.host") + " is " + s.web().host() + " (not loopback)";
    if (s.mail().embedded()) {
      out.add(key("mail.mode") + " is embedded: the dev mailbox would be served" + where);
    }
    if (s.gateway().demoEnabled()) {
      out.add(key("gateway.demoUpstream.enabled") + " is true: the demo portal would be served" + where);
    }
    if (s.demo().enabled()) {
      out.add(key("demo.member") + " is true: the demo member could log in" + where);
    }
    return out;
  }

  /**
   * http://localhost (any port) is a secure context for browsers (Secure cookies and WebAuthn work
   * there), so a one-machine trial such as deploy/compose.yaml may use it; any other http origin
   * would send members' cookies and codes in clear.
   */
  static boolean isLocalhostOrigin(String origin) {
    try {
      java.net.URI uri = java.net.URI.create(origin);
      return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && isLoopback(uri.getHost());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean isLoopback(String host) {
    return host.equalsIgnoreCase("localhost") || LOOPBACK.matches(host);
  }

  private static String key(String key) {
    return key + " (" + ConfigLoader.variableName(key) + ")";
  }
}
