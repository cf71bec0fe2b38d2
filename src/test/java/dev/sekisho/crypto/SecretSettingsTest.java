package dev.sekisho.crypto;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.ConfigReader;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** secrets.keys / secrets.activeKeyId from the configuration and the environment. */
class SecretSettingsTest {
  static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
  static final String K2 = Base64.getEncoder().encodeToString(new byte[16]);

  static ConfigReader config(Map<String, String> env) {
    return new ConfigReader(ConfigLoader.load(env, Map.of()));
  }

  @Test
  void withoutKeysADevelopmentKeyIsUsedButNotInProduction() {
    SecretSettings dev = SecretSettings.from(config(Map.of()), false);
    assertThat(dev.devKey()).isTrue();
    assertThat(dev.activeKeyId()).isEqualTo(SecretSettings.DEV_KEY_ID);
    assertThatThrownBy(() -> SecretSettings.from(config(Map.of()), true))
        .isInstanceOf(ConfigException.class).hasMessageContaining("secrets.keys");
  }

  @Test
  void keysComeFromTheEnvironmentWithTheirIds() {
    SecretSettings s = SecretSettings.from(config(Map.of("SEKISHO_SECRETS_KEYS", "k1=" + K1 + ",k2=" + K2,
        "SEKISHO_SECRETS_ACTIVE_KEY_ID", "k2")), true);
    assertThat(s.keys()).containsOnlyKeys("k1", "k2");
    assertThat(s.activeKeyId()).isEqualTo("k2");
    assertThat(s.devKey()).isFalse();
  }

  @Test
  void badKeysStopStartUpWithoutShowingThem() {
    assertThatThrownBy(() -> SecretSettings.from(config(Map.of("SEKISHO_SECRETS_KEYS", "k1=not-base64!")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("secrets.keys").hasMessageNotContaining("not-base64");
    assertThatThrownBy(() -> SecretSettings.from(config(Map.of("SEKISHO_SECRETS_KEYS", "k1=" + Base64.getEncoder().encodeToString(new byte[10]))), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("16, 24 or 32");
    assertThatThrownBy(() -> SecretSettings.from(config(Map.of("SEKISHO_SECRETS_KEYS", "k1=" + K1 + ",k2=" + K2,
        "SEKISHO_SECRETS_ACTIVE_KEY_ID", "k3")), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("secrets.activeKeyId");
  }
}
