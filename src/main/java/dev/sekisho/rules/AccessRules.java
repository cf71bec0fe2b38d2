package dev.sekisho.rules;

import dev.sekisho.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gateway.rules}: the portal's per-path rules, first match wins, {@code member} when none
 * matches (every portal path needs a complete session, as without rules). Read by the reverse
 * proxy and by forward-auth alike, against the path {@link PathNormalizer} made once.
 */
public final class AccessRules {
  private final List<AccessRule> rules;

  public AccessRules(List<AccessRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** What to do with a request; DENY for a path that cannot be normalised (the callers answer 400). */
  public Decision decide(String hostHeader, String rawPath) {
    String path = PathNormalizer.normalize(rawPath);
    if (path == null) {
      return new Decision(null, null);
    }
    String host = host(hostHeader);
    for (AccessRule rule : rules) {
      if (rule.matches(host, path)) {
        return new Decision(path, rule.action());
      }
    }
    return new Decision(path, AccessRule.Action.MEMBER);
  }

  /** The normalised path (null: refused as ambiguous) and the action. */
  public record Decision(String path, AccessRule.Action action) {
    public boolean malformed() {
      return path == null;
    }
  }

  /** The host without port, lower case ("" when absent). */
  public static String host(String hostHeader) {
    if (hostHeader == null) {
      return "";
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  /** Items {@code {"host", "path", "match", "action"}}, or text {@code "action match path"} / {@code "action match host/path"}. */
  public static AccessRules from(ConfigReader config) {
    Object value = config.json().getJsonObject("gateway", new JsonObject()).getValue("rules");
    if (value == null) {
      return new AccessRules(List.of());
    }
    if (!(value instanceof JsonArray array)) {
      throw config.error("gateway.rules", "must be a list of {\"path\", \"match\", \"action\"}", value);
    }
    List<AccessRule> out = new ArrayList<>();
    for (Object item : array) {
      try {
        if (item instanceof JsonObject o) {
          for (String key : o.fieldNames()) {
            if (!List.of("host", "path", "match", "action").contains(key)) {
              throw new IllegalArgumentException("unknown field '" + key + "' (host, path, match, action)");
            }
          }
          out.add(AccessRule.of(o.getString("host"), o.getString("match"), o.getString("path"), o.getString("action")));
        } else if (item instanceof String s && s.trim().split("\\s+").length == 3) {
          String[] parts = s.trim().split("\\s+");
          String target = parts[2];
          String host = target.startsWith("/") ? null : target.substring(0, Math.max(0, target.indexOf('/')));
          String path = host == null ? target : target.substring(host.length());
          out.add(AccessRule.of(host, parts[1], path, parts[0]));
        } else {
          throw new IllegalArgumentException("each rule must be {\"path\", \"match\", \"action\"} or \"action match path\"");
        }
      } catch (IllegalArgumentException | ClassCastException e) {
        throw config.error("gateway.rules", e.getMessage(), item);
      }
    }
    return new AccessRules(out);
  }
}
