package dev.sekisho.config;

import dev.sekisho.launcher.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  @Test
  void environmentBeatsTheFileAndIsParsedAsTheDefaultsType() {
    JsonObject config = ConfigLoader.load(Map.of("SEKISHO_HTTP_PORT", "9090", "SEKISHO_HTTP_SECURE_COOKIES", "true",
        "SEKISHO_HTTP_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2", "PATH", "/usr/bin"), Map.of());
    assertThat(config.getJsonObject("http").getValue("port")).isEqualTo(9090L);
    assertThat(config.getJsonObject("http").getBoolean("secureCookies")).isTrue();
    assertThat(config.getJsonObject("http").getJsonArray("trustedProxies").getList()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void defaultsAreValidAndServeLoopback8080() {
    Settings settings = Settings.from(ConfigLoader.load(Map.of(), Map.of()));
    assertThat(settings.web().host()).isEqualTo("127.0.0.1");
    assertThat(settings.web().port()).isEqualTo(8080);
    assertThat(settings.db().embedded()).isTrue();
    assertThat(settings.password().memoryKiB()).isGreaterThanOrEqualTo(19456);
  }

  @Test
  void variableNamesFollowTheKeys() {
    assertThat(ConfigLoader.variableName("http.publicOrigin")).isEqualTo("SEKISHO_HTTP_PUBLIC_ORIGIN");
    assertThat(ConfigLoader.variableName("db.embedded.dataDir")).isEqualTo("SEKISHO_DB_EMBEDDED_DATA_DIR");
  }

  @Test
  void aTypoInAVariableStopsStartUpNamingIt() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_HTTP_PROT", "1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SEKISHO_HTTP_PROT");
  }

  @Test
  void aBadValueStopsStartUpWithOneLineNamingTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_HTTP_PORT", "eighty"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SEKISHO_HTTP_PORT");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_HTTP_PORT", "70000"), Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Configuration error: http.port (SEKISHO_HTTP_PORT) must be between 0 and 65535, got '70000'");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_PASSWORD_ARGON2_MEMORY_KI_B", "1024"), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("password.argon2MemoryKiB");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_HTTP_PUBLIC_ORIGIN", "localhost:8080/x"), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.publicOrigin");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_DB_DATABASE", ""), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("db.database").hasMessageContaining("must be set");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_CONFIG", "/nonexistent/config.json"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/config.json");
  }

  @Test
  void aFileListsOnlyWhatChangesAndTheRestKeepsItsDefault(@TempDir Path dir) throws Exception {
    // Failed before: a file without every key was refused ("http.instances ... is missing").
    Path file = dir.resolve("sekisho.json");
    Files.writeString(file, "{\"http\": {\"port\": 9443}, \"login\": {\"maxFailures\": 7}}");
    Settings settings = Settings.from(ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString()), Map.of()));
    assertThat(settings.web().port()).isEqualTo(9443);
    assertThat(settings.web().host()).isEqualTo("127.0.0.1");
    assertThat(settings.login().maxFailures()).isEqualTo(7);
    assertThat(settings.db().embedded()).isTrue();
    // The environment still wins over the file.
    assertThat(Settings.from(ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString(), "SEKISHO_HTTP_PORT", "9000"), Map.of()))
        .web().port()).isEqualTo(9000);
  }

  @Test
  void aMisspeltKeyInTheFileIsRefusedWithTheNearestKeyAndTheFileNamed(@TempDir Path dir) throws Exception {
    // Failed before: login.maxFailure was ignored in silence.
    Path file = dir.resolve("sekisho.json");
    Files.writeString(file, "{\"login\": {\"maxFailure\": 3}}");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("unknown configuration key login.maxFailure")
        .hasMessageContaining("did you mean login.maxFailures?");
    Files.writeString(file, "{\"htp\": {\"port\": 1}}");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("htp").hasMessageContaining("did you mean http?");
    Files.writeString(file, "{\"http\": 8080}");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http is a section");
    Files.writeString(file, "{\"http\": ");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_CONFIG", file.toString()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(file.toAbsolutePath().toString()).hasMessageContaining("not valid JSON");
  }

  @Test
  void aMisspeltVariableSuggestsTheNearestOne() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SEKISHO_LOGIN_MAX_FAILURE", "3"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean SEKISHO_LOGIN_MAX_FAILURES?");
  }
}
