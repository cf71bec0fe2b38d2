package dev.sekisho.crypto;

import dev.sekisho.config.ConfigReader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code secrets} section: {@code secrets.keys} is {@code id=base64key,id2=base64key} (AES-128/192/256,
 * a plain string so one environment variable can carry it), {@code secrets.activeKeyId} names the key
 * new secrets are sealed with. With no keys a development key is derived (and a warning logged);
 * a deployment with secure cookies (HTTPS, i.e. production) must configure its own.
 */
public record SecretSettings(Map<String, byte[]> keys, String activeKeyId, boolean devKey) {
  public static final String DEV_KEY_ID = "dev";

  public static SecretSettings from(ConfigReader config, boolean production) {
    String spec = config.string("secrets.keys");
    String active = config.string("secrets.activeKeyId");
    if (spec.isEmpty()) {
      if (production) {
        throw config.error("secrets.keys", "must be set when http.secureCookies is true (production)", "");
      }
      return new SecretSettings(Map.of(DEV_KEY_ID, derivedDevKey()), DEV_KEY_ID, true);
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw config.error("secrets.keys", "must be id=base64key[,id=base64key...]", "<hidden>");
      }
      String id = entry.substring(0, eq).trim();
      byte[] key;
      try {
        key = Base64.getDecoder().decode(entry.substring(eq + 1).trim());
      } catch (IllegalArgumentException e) {
        throw config.error("secrets.keys", "key '" + id + "' is not base64", "<hidden>");
      }
      if (key.length != 16 && key.length != 24 && key.length != 32) {
        throw config.error("secrets.keys", "key '" + id + "' must be 16, 24 or 32 bytes", "<hidden>");
      }
      if (!id.matches("[A-Za-z0-9_.-]{1,32}")) {
        throw config.error("secrets.keys", "key id must be 1-32 letters, digits, _ . -", id);
      }
      keys.put(id, key);
    }
    if (active.isEmpty() && keys.size() == 1) {
      active = keys.keySet().iterator().next();
    }
    if (!keys.containsKey(active)) {
      throw config.error("secrets.activeKeyId", "must name one of the ids in secrets.keys", active);
    }
    return new SecretSettings(Map.copyOf(keys), active, false);
  }

  /** Stable across restarts so a development database stays readable; public, hence never for production. */
  private static byte[] derivedDevKey() {
    try {
      return MessageDigest.getInstance("SHA-256").digest("sekisho development key - not secret".getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
