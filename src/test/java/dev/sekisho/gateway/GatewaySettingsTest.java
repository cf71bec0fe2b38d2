package dev.sekisho.gateway;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.ConfigReader;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway section: upstream lists from the file or the environment, and the errors that stop start-up. */
class GatewaySettingsTest {

  @Test
  void upstreamsFromAnEnvironmentVariableLongestPrefixFirst() {
    GatewaySettings settings = settings(Map.of("SEKISHO_GATEWAY_UPSTREAMS", "/=http://127.0.0.1:9000,/claims/=https://claims.example.jp"));
    assertThat(settings.effectiveUpstreams(5555)).extracting(Upstream::prefix).containsExactly("/claims", "/");
    Upstream claims = settings.effectiveUpstreams(null).get(0);
    assertThat(claims.ssl()).isTrue();
    assertThat(claims.port()).isEqualTo(443);
    assertThat(claims.serves("/claims")).isTrue();
    assertThat(claims.serves("/claims/1")).isTrue();
    assertThat(claims.serves("/claimsX")).isFalse();
  }

  @Test
  void demoUpstreamIsTheDefaultWhenNoneIsConfigured() {
    GatewaySettings settings = settings(Map.of());
    assertThat(settings.demoEnabled()).isTrue();
    assertThat(settings.effectiveUpstreams(5555)).singleElement()
        .satisfies(u -> assertThat(u.url()).isEqualTo("http://127.0.0.1:5555"));
    assertThat(settings.effectiveUpstreams(null)).isEmpty();
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_UPSTREAMS", "/=ftp://x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.upstreams").hasMessageContaining("SEKISHO_GATEWAY_UPSTREAMS");
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_UPSTREAMS", "/sekisho=http://x:1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("outside /sekisho");
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_UPSTREAMS", "/=http://x:1/path")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no path");
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_CONNECT_TIMEOUT_MS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.connectTimeoutMs");
  }

  @Test
  void gatewayCookiesAreRemovedFromRequestsAndResponses() {
    GatewayCookies cookies = new GatewayCookies(Set.of("sekisho.sid", "sekisho.lang"));
    MultiMap request = MultiMap.caseInsensitiveMultiMap().add("Cookie", "a=1; sekisho.sid=abc; b=2").add("cookie", "sekisho.lang=ja");
    cookies.stripFromRequest(request);
    assertThat(request.getAll("Cookie")).containsExactly("a=1; b=2");
    MultiMap onlyOurs = MultiMap.caseInsensitiveMultiMap().add("Cookie", "sekisho.sid=abc");
    cookies.stripFromRequest(onlyOurs);
    assertThat(onlyOurs.contains("Cookie")).isFalse();
    MultiMap response = MultiMap.caseInsensitiveMultiMap().add("Set-Cookie", "sekisho.sid=x; Path=/").add("Set-Cookie", "p=1");
    cookies.stripFromResponse(response);
    assertThat(response.getAll("Set-Cookie")).containsExactly("p=1");
  }

  @Test
  void identityHeaderValuesAreAscii() {
    assertThat(Identity.encode("関所 太郎")).isEqualTo("%E9%96%A2%E6%89%80%20%E5%A4%AA%E9%83%8E");
    assertThat(Identity.asciiOrEncoded("taro@example.jp")).isEqualTo("taro@example.jp");
    assertThat(Identity.asciiOrEncoded("太郎@example.jp")).startsWith("%E5%A4%AA");
    assertThat(Identity.asciiOrEncoded("a\r\nX-Evil: 1")).doesNotContain("\r").doesNotContain("\n");
  }

  private static GatewaySettings settings(Map<String, String> env) {
    return GatewaySettings.from(new ConfigReader(ConfigLoader.load(env, Map.of())));
  }
}
