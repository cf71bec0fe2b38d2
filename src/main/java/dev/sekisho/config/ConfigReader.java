package dev.sekisho.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validated reads of the merged configuration. Every failure names the key and the
 * environment variable that sets it, so start-up stops with one line an operator can act on.
 */
public final class ConfigReader {
  private final JsonObject root;

  public ConfigReader(JsonObject root) {
    this.root = root;
  }

  public JsonObject json() {
    return root;
  }

  public String string(String key) {
    Object value = value(key);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw error(key, "must be text", value);
    }
    return s.trim();
  }

  public String requiredString(String key) {
    String value = string(key);
    if (value.isEmpty()) {
      throw error(key, "must be set", "");
    }
    return value;
  }

  public long number(String key, long min, long max) {
    Object value = value(key);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw error(key, "must be a whole number", value);
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw error(key, "must be between " + min + " and " + max, value);
    }
    return v;
  }

  public int integer(String key, int min, int max) {
    return (int) number(key, min, max);
  }

  public boolean bool(String key) {
    Object value = value(key);
    if (!(value instanceof Boolean b)) {
      throw error(key, "must be true or false", value);
    }
    return b;
  }

  public List<String> strings(String key) {
    Object value = value(key);
    if (!(value instanceof JsonArray array)) {
      throw error(key, "must be a list", value);
    }
    List<String> out = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw error(key, "must be a list of text values", value);
      }
      out.add(s.trim());
    }
    return List.copyOf(out);
  }

  /** An absolute http(s) origin: scheme, host and optional port, nothing else. */
  public String origin(String key) {
    String value = requiredString(key);
    try {
      URI uri = URI.create(value);
      boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null && (uri.getPath() == null || uri.getPath().isEmpty())
          && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
      if (!ok) {
        throw error(key, "must be an origin like https://portal.example.jp (scheme, host, optional port)", value);
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw error(key, "must be an origin like https://portal.example.jp", value);
    }
  }

  public LocalDate date(String key) {
    String value = requiredString(key);
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw error(key, "must be a date like 1980-04-01", value);
    }
  }

  public ConfigException error(String key, String problem, Object value) {
    return new ConfigException("Configuration error: " + key + " (" + ConfigLoader.variableName(key) + ") "
        + problem + ", got '" + value + "'");
  }

  private Object value(String key) {
    String[] path = key.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < path.length - 1; i++) {
      Object next = node.getValue(path[i]);
      if (!(next instanceof JsonObject nested)) {
        throw new ConfigException("Configuration error: " + key + " (" + ConfigLoader.variableName(key) + ") is missing");
      }
      node = nested;
    }
    if (!node.containsKey(path[path.length - 1])) {
      throw new ConfigException("Configuration error: " + key + " (" + ConfigLoader.variableName(key) + ") is missing");
    }
    return node.getValue(path[path.length - 1]);
  }
}
