package dev.sekisho.factor.passkey;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webauthn section: explicit origins, defaults from http.publicOrigin, one-line errors. */
class PasskeySettingsTest {

  static PasskeySettings load(Map<String, String> overrides) {
    return Settings.from(ConfigLoader.load(Map.of(), overrides)).passkey();
  }

  @Test
  void originsDefaultToThePublicOrigin() {
    PasskeySettings settings = load(Map.of());
    assertThat(settings.rpId()).isEqualTo("localhost");
    assertThat(settings.origins()).containsExactly("http://localhost:8080");
    assertThat(settings.attestation()).isEqualTo("none");
    assertThat(settings.passkeyFirst()).isFalse();
  }

  @Test
  void severalOriginsUnderTheRelyingPartyId() {
    PasskeySettings settings = load(Map.of("webauthn.rpId", "portal.example.jp",
        "webauthn.origins", "https://portal.example.jp,https://m.portal.example.jp",
        "http.publicOrigin", "https://portal.example.jp"));
    assertThat(settings.origins()).containsExactly("https://portal.example.jp", "https://m.portal.example.jp");
  }

  @Test
  void badValuesStopStartUpNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("webauthn.origins", "https://evil.example.com")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webauthn.origins");
    assertThatThrownBy(() -> load(Map.of("webauthn.rpId", "https://portal.example.jp")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webauthn.rpId");
    assertThatThrownBy(() -> load(Map.of("webauthn.attestation", "maybe")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webauthn.attestation");
    // The public origin is used when no origins are listed: it must fit the rpId too.
    assertThatThrownBy(() -> load(Map.of("webauthn.rpId", "portal.example.jp")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("webauthn.origins");
  }
}
