package dev.sekisho.launcher;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.RunMode;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Production ("start") refuses every development part, naming its key; no mode serves them off loopback. */
class RunModeTest {
  /** What a production install sets: everything the refusals name. */
  static Map<String, String> productionEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SEKISHO_MAIL_MODE", "relay");
    env.put("SEKISHO_MAIL_HOST", "smtp.example.jp");
    env.put("SEKISHO_MAIL_PORT", "587");
    env.put("SEKISHO_GATEWAY_DEMO_UPSTREAM_ENABLED", "false");
    env.put("SEKISHO_GATEWAY_UPSTREAMS", "/=http://portal.internal:8081");
    env.put("SEKISHO_DEMO_MEMBER", "false");
    env.put("SEKISHO_SECRETS_KEYS", "k1=AAAAAAAAAAAAAAAAAAAAAA==");
    env.put("SEKISHO_ADMIN_TOKEN", "a-long-enough-admin-token-0123456789");
    env.put("SEKISHO_HTTP_SECURE_COOKIES", "true");
    env.put("SEKISHO_HTTP_PUBLIC_ORIGIN", "https://portal.example.jp");
    env.put("SEKISHO_WEBAUTHN_RP_ID", "portal.example.jp");
    env.put("SEKISHO_HTTP_HOST", "0.0.0.0");
    env.put("SEKISHO_DB_URL", "postgresql://sekisho:pw@db.internal:5432/sekisho");
    return env;
  }

  private static Settings settings(Map<String, String> env, RunMode mode) {
    return Settings.from(ConfigLoader.load(env, Map.of()), mode);
  }

  @Test
  void productionWithTheDefaultsRefusesNamingEveryKeyToSet() {
    // Failed before: there was no production mode; the defaults served the dev mailbox on 0.0.0.0.
    assertThatThrownBy(() -> DevelopmentParts.check(settings(Map.of(), RunMode.PRODUCTION)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("production (start)")
        .hasMessageContaining("mail.mode (SEKISHO_MAIL_MODE)")
        .hasMessageContaining("gateway.demoUpstream.enabled (SEKISHO_GATEWAY_DEMO_UPSTREAM_ENABLED)")
        .hasMessageContaining("demo.member (SEKISHO_DEMO_MEMBER)")
        .hasMessageContaining("secrets.keys (SEKISHO_SECRETS_KEYS)")
        .hasMessageContaining("admin.token (SEKISHO_ADMIN_TOKEN)")
        .hasMessageContaining("http.secureCookies (SEKISHO_HTTP_SECURE_COOKIES)")
        .hasMessageContaining("http.publicOrigin (SEKISHO_HTTP_PUBLIC_ORIGIN)")
        .hasMessageContaining("db.url (SEKISHO_DB_URL)");
  }

  @Test
  void productionStartsWhenEveryPartIsSetAndEachMissingOneIsNamedAlone() {
    assertThatCode(() -> DevelopmentParts.check(settings(productionEnv(), RunMode.PRODUCTION))).doesNotThrowAnyException();
    Map<String, String> env = productionEnv();
    env.remove("SEKISHO_ADMIN_TOKEN");
    assertThat(DevelopmentParts.productionRefusals(settings(env, RunMode.PRODUCTION)))
        .singleElement().asString().startsWith("admin.token (SEKISHO_ADMIN_TOKEN)");
    env = productionEnv();
    env.remove("SEKISHO_DB_URL");
    assertThat(DevelopmentParts.productionRefusals(settings(env, RunMode.PRODUCTION)))
        .singleElement().asString().contains("db.embedded.allowInProduction");
    env.put("SEKISHO_DB_EMBEDDED_ALLOW_IN_PRODUCTION", "true");
    assertThat(DevelopmentParts.productionRefusals(settings(env, RunMode.PRODUCTION))).isEmpty();
  }

  @Test
  void anHttpOriginIsRefusedUnlessItIsAnExplicitLocalhostTrial() {
    Map<String, String> env = productionEnv();
    env.put("SEKISHO_HTTP_PUBLIC_ORIGIN", "http://portal.example.jp");
    assertThat(DevelopmentParts.productionRefusals(settings(env, RunMode.PRODUCTION)))
        .singleElement().asString().startsWith("http.publicOrigin (SEKISHO_HTTP_PUBLIC_ORIGIN)");
    // deploy/compose.yaml: a one-machine trial on http://localhost (a secure context for browsers).
    env.put("SEKISHO_HTTP_PUBLIC_ORIGIN", "http://localhost:8081");
    env.put("SEKISHO_WEBAUTHN_RP_ID", "localhost");
    assertThat(DevelopmentParts.productionRefusals(settings(env, RunMode.PRODUCTION))).isEmpty();
  }

  @Test
  void theDevelopmentRunKeepsItsPartsOnLoopbackOnly() {
    assertThatCode(() -> DevelopmentParts.check(settings(Map.of(), RunMode.DEVELOPMENT))).doesNotThrowAnyException();
    // Failed before: the container's SEKISHO_HTTP_HOST=0.0.0.0 served the dev mailbox to anyone.
    assertThatThrownBy(() -> DevelopmentParts.check(settings(Map.of("SEKISHO_HTTP_HOST", "0.0.0.0"), RunMode.DEVELOPMENT)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dev mailbox").hasMessageContaining("demo portal").hasMessageContaining("demo member")
        .hasMessageContaining("http.host (SEKISHO_HTTP_HOST) is 0.0.0.0");
    assertThat(DevelopmentParts.isLoopback("::1")).isTrue();
    assertThat(DevelopmentParts.isLoopback("localhost")).isTrue();
    assertThat(DevelopmentParts.isLoopback("192.168.1.10")).isFalse();
  }
}
