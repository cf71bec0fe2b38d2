package dev.sekisho.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.sekisho.web.I18n;
import ua_parser.Client;
import ua_parser.Parser;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A browser's user-agent string in words a member recognises ("Chrome on Windows",
 * 「Windows の Chrome」), for their list of sessions and of recent logins: raw user-agent strings
 * mean nothing to most people. The parsing is uap-java's (the ua-parser project's shared regexes).
 */
public final class DeviceWords {
  /** What uap-java answers when it does not know a browser, system or device. */
  private static final String OTHER = "Other";
  /** Device families that only repeat the system (a Mac) or say nothing (Android's reduced "K"). */
  private static final Set<String> SAYS_NOTHING = Set.of(OTHER, "Mac", "K", "Generic Smartphone", "Generic Tablet");
  /** Longer strings are not parsed: every pattern of the list runs over the string, and it is the client's to choose. */
  private static final int MAX_LENGTH = 512;

  /** The parts of a user-agent string that the words are made of; null where unknown. */
  public record Device(String browser, String system, String model) {
    public static final Device UNKNOWN = new Device(null, null, null);
  }

  /** How one language puts the parts together. */
  public record Phrasing(String browserOnSystem, String withModel, String unknown) {
    /** "{browser}" and "{system}" in {@code browserOnSystem}, "{words}" and "{model}" in {@code withModel}. */
    public String words(Device device) {
      if (device.browser() == null && device.system() == null) {
        return unknown;
      }
      String words = device.system() == null ? device.browser()
          : device.browser() == null ? device.system()
          : browserOnSystem.replace("{browser}", device.browser()).replace("{system}", device.system());
      return device.model() == null ? words : withModel.replace("{words}", words).replace("{model}", device.model());
    }
  }

  private DeviceWords() {}

  /** How a language puts a device in words: the account page's sessions list and the security notices say it alike. */
  public static Phrasing phrasing(I18n i18n, String lang) {
    return new Phrasing(i18n.text(lang, "account.sessions.browserOnSystem"), i18n.text(lang, "account.sessions.withModel"),
        i18n.text(lang, "account.sessions.unknownDevice"));
  }

  /**
   * The parts of a user-agent string. Pattern matching over the whole list: call it on a worker
   * thread ({@link #parseAll}), not on an event loop.
   */
  public static Device parse(String userAgent) {
    if (userAgent == null || userAgent.isBlank() || userAgent.length() > MAX_LENGTH) {
      return Device.UNKNOWN;
    }
    Client client = Holder.PARSER.parse(userAgent);
    String browser = known(client.userAgent == null ? null : client.userAgent.family);
    String system = known(client.os == null ? null : client.os.family);
    String model = client.device == null || SAYS_NOTHING.contains(client.device.family) ? null : client.device.family;
    return new Device(browser, system, model);
  }

  /** The parts of each distinct string, parsed off the event loop: read the answer with {@link #of}. */
  public static Future<Map<String, Device>> parseAll(Vertx vertx, List<String> userAgents) {
    List<String> distinct = userAgents.stream().map(DeviceWords::key).distinct().toList();
    return vertx.executeBlocking(() -> {
      Map<String, Device> out = new HashMap<>();
      distinct.forEach(ua -> out.put(ua, parse(ua)));
      return out;
    }, false);
  }

  /** The device of one string of those given to {@link #parseAll}. */
  public static Device of(Map<String, Device> parsed, String userAgent) {
    return parsed.getOrDefault(key(userAgent), Device.UNKNOWN);
  }

  private static String key(String userAgent) {
    return userAgent == null ? "" : userAgent;
  }

  private static String known(String family) {
    return family == null || family.isBlank() || OTHER.equals(family) ? null : family;
  }

  /** Reading the pattern list takes a moment: once, on first use (a worker thread), never at class load of callers. */
  private static final class Holder {
    static final Parser PARSER = new Parser();
  }
}
