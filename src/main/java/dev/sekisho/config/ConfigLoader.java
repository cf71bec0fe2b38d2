package dev.sekisho.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts from the built-in defaults (the jar's conf/config.json, where every key has its default),
 * lays the operator's file over them (only the keys it lists; an unknown key is refused with the
 * nearest known one suggested), then environment variables.
 *
 * <p>We do this ourselves instead of with vertx-config because its default store order lets the file
 * beat the environment, and because we want to derive each variable's name and type from the key it
 * overrides: {@code http.publicOrigin} is {@code SEKISHO_HTTP_PUBLIC_ORIGIN}, and its value is parsed
 * as the default's type. A variable that names no key is an error, so a typo never goes unnoticed.
 */
public final class ConfigLoader {
  public static final String PREFIX = "SEKISHO_";
  /** Names another config file instead of ./conf/config.json. */
  public static final String FILE_VARIABLE = PREFIX + "CONFIG";

  private ConfigLoader() {}

  /**
   * @param env the process environment (or a stand-in)
   * @param overrides dotted keys to values, applied after the environment (used by tests and the CLI)
   */
  public static JsonObject load(Map<String, String> env, Map<String, String> overrides) {
    JsonObject config = builtInDefaults();
    ConfigFile file = operatorFile(env.get(FILE_VARIABLE));
    if (file != null) {
      mergeFile(config, file.json(), "", file.name());
    }
    Map<String, String> keysByVariable = new TreeMap<>();
    for (String key : leafKeys(config)) {
      keysByVariable.put(variableName(key), key);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX) || name.equals(FILE_VARIABLE)) {
        continue;
      }
      String key = keysByVariable.get(name);
      if (key == null) {
        throw new ConfigException("Unknown configuration variable " + name + ": it sets no configuration key"
            + KeySuggestion.hint(name, keysByVariable.keySet()));
      }
      set(config, key, e.getValue(), name);
    }
    overrides.forEach((key, value) -> {
      if (!leafKeys(config).contains(key)) {
        throw new ConfigException("Unknown configuration key " + key + KeySuggestion.hint(key, leafKeys(config)));
      }
      set(config, key, value, key);
    });
    return config;
  }

  /** The environment variable that overrides a dotted key. */
  public static String variableName(String key) {
    StringBuilder name = new StringBuilder(PREFIX);
    for (char c : key.toCharArray()) {
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  /** Every leaf key of the configuration in dotted form, in file order. */
  public static List<String> leafKeys(JsonObject config) {
    List<String> keys = new ArrayList<>();
    collect(config, "", keys);
    return keys;
  }

  private static void collect(JsonObject object, String prefix, List<String> keys) {
    for (String field : object.fieldNames()) {
      Object value = object.getValue(field);
      if (value instanceof JsonObject nested) {
        collect(nested, prefix + field + ".", keys);
      } else {
        keys.add(prefix + field);
      }
    }
  }

  private static void set(JsonObject config, String key, String raw, String source) {
    String[] path = key.split("\\.");
    JsonObject parent = config;
    for (int i = 0; i < path.length - 1; i++) {
      parent = parent.getJsonObject(path[i]);
    }
    String field = path[path.length - 1];
    Object current = parent.getValue(field);
    parent.put(field, parse(current, raw.trim(), source));
  }

  private static Object parse(Object defaultValue, String raw, String source) {
    if (defaultValue instanceof Integer || defaultValue instanceof Long) {
      try {
        return Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw new ConfigException(source + " must be a whole number, got '" + raw + "'");
      }
    }
    if (defaultValue instanceof Number) {
      try {
        return Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        throw new ConfigException(source + " must be a number, got '" + raw + "'");
      }
    }
    if (defaultValue instanceof Boolean) {
      if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(raw);
      }
      throw new ConfigException(source + " must be true or false, got '" + raw + "'");
    }
    if (defaultValue instanceof JsonArray) {
      JsonArray list = new JsonArray();
      for (String item : raw.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      return list;
    }
    return raw;
  }

  /** The operator's file as read, and the name its errors give it. */
  private record ConfigFile(JsonObject json, String name) {}

  /** The built-in default of one dotted key, as text (null when the key has none). */
  public static String builtInDefault(String dottedKey) {
    JsonObject node = builtInDefaults();
    String[] parts = dottedKey.split("\\.");
    for (int i = 0; i < parts.length - 1 && node != null; i++) {
      node = node.getJsonObject(parts[i]);
    }
    Object value = node == null ? null : node.getValue(parts[parts.length - 1]);
    return value == null ? null : String.valueOf(value);
  }

  /** Every key with its default: the conf/config.json built into the jar. */
  static JsonObject builtInDefaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream("conf/config.json")) {
      if (in == null) {
        throw new ConfigException("The jar holds no conf/config.json (the built-in defaults): rebuild it with mvn package");
      }
      return decode(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conf/config.json (built in)");
    } catch (IOException e) {
      throw new ConfigException("Cannot read the built-in defaults: " + e.getMessage());
    }
  }

  /** The file named by SEKISHO_CONFIG, else ./conf/config.json if there is one, else none. */
  private static ConfigFile operatorFile(String explicitPath) {
    Path path;
    if (explicitPath != null && !explicitPath.isBlank()) {
      path = Path.of(explicitPath);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(FILE_VARIABLE + " names " + path.toAbsolutePath() + ", which is not a readable file");
      }
    } else {
      path = Path.of("conf", "config.json");
      if (!Files.isRegularFile(path)) {
        return null;
      }
    }
    String name = path.toAbsolutePath().normalize().toString();
    try {
      return new ConfigFile(decode(Files.readString(path, StandardCharsets.UTF_8), name), name);
    } catch (IOException e) {
      throw new ConfigException("Cannot read the configuration file " + name + ": " + e.getMessage());
    }
  }

  /**
   * Lays the file's values over the defaults. A key the defaults lack is a typo (it would otherwise
   * be ignored in silence), and a section given as a value (or a value as a section) is a mistake.
   */
  private static void mergeFile(JsonObject defaults, JsonObject file, String prefix, String fileName) {
    for (String field : file.fieldNames()) {
      String key = prefix + field;
      Object value = file.getValue(field);
      if (!defaults.containsKey(field)) {
        throw new ConfigException(fileName + ": unknown configuration key " + key
            + KeySuggestion.hint(key, leafKeysAndSections(defaults, prefix)));
      }
      Object current = defaults.getValue(field);
      if (current instanceof JsonObject section) {
        if (!(value instanceof JsonObject nested)) {
          throw new ConfigException(fileName + ": " + key + " is a section and must be an object, got '" + value + "'");
        }
        mergeFile(section, nested, key + ".", fileName);
      } else if (value instanceof JsonObject) {
        throw new ConfigException(fileName + ": " + key + " is a value, not a section");
      } else {
        defaults.put(field, value);
      }
    }
  }

  /** The dotted keys under one section, for suggestions. */
  private static List<String> leafKeysAndSections(JsonObject section, String prefix) {
    List<String> keys = new ArrayList<>();
    collect(section, prefix, keys);
    section.fieldNames().forEach(field -> keys.add(prefix + field));
    return keys;
  }

  private static JsonObject decode(String text, String name) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(name + " is not valid JSON: " + e.getMessage());
    }
  }
}
