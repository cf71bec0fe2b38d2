package dev.sekisho.gateway;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.ConfigReader;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
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
  void identityHeaderValuesAreAlwaysEncoded() {
    assertThat(Identity.encode("関所 太郎")).isEqualTo("%E9%96%A2%E6%89%80%20%E5%A4%AA%E9%83%8E");
    assertThat(Identity.encode("taro.y_1~x@example.jp")).isEqualTo("taro.y_1~x@example.jp");
    assertThat(Identity.encode("太郎@example.jp")).startsWith("%E5%A4%AA");
    // Nothing that could end a header, quote or mark up: every value the portal gets is [A-Za-z0-9%._~@-].
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    new Identity(1, "a\"<b>'&+%", "x\r\nX-Evil: 1", "\"><svg/onload=alert(4)>\"@example.jp", "totp", "0a")
        .writeTo(headers, settings(Map.of()).headers());
    for (String name : List.of("X-Sekisho-User", "X-Sekisho-Name", "X-Sekisho-Email")) {
      assertThat(headers.get(name)).as(name).matches("[A-Za-z0-9%._~@-]*");
    }
    assertThat(java.net.URLDecoder.decode(headers.get("X-Sekisho-User"), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("a\"<b>'&+%");
    assertThat(headers.get("X-Sekisho-Email")).isEqualTo("%22%3E%3Csvg%2Fonload%3Dalert%284%29%3E%22@example.jp");
  }

  @Test
  void strippedHeadersCompareNamesWithUnderscoreAsDashAndTakePrefixes() {
    PosingHeaders posing = settings(Map.of()).headers().posing();
    for (String name : List.of("X_Sekisho_User", "x_sekisho_user", "X-Sekisho_User", "X-SEKISHO-EXTRA", "Remote_User",
        "X-Forwarded-Email", "x-auth-request-access-token")) {
      assertThat(posing.strippedBeforeThePortal(name)).as(name).isTrue();
    }
    assertThat(posing.strippedBeforeThePortal("X-Forwarded-For")).isFalse();
    assertThat(posing.strippedBeforeThePortal("X-Auth-Requested")).isFalse();
    PosingHeaders own = settings(Map.of("SEKISHO_GATEWAY_STRIPPED_HEADERS", "X-Portal-Login,X-Corp-*")).headers().posing();
    assertThat(own.strippedBeforeThePortal("x_portal_login")).isTrue();
    assertThat(own.strippedBeforeThePortal("X-Corp-Role")).isTrue();
    assertThat(own.strippedBeforeThePortal("X-Forwarded-User")).isFalse();
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_STRIPPED_HEADERS", "X Bad")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.strippedHeaders");
  }

  @Test
  void webSocketOriginsDefaultToThePublicOrigin() {
    GatewaySettings defaults = settings(Map.of("SEKISHO_HTTP_PUBLIC_ORIGIN", "https://Portal.example.jp:443"));
    assertThat(defaults.allowsWebSocketFrom("https://portal.example.jp")).isTrue();
    assertThat(defaults.allowsWebSocketFrom("https://evil.example.jp")).isFalse();
    GatewaySettings listed = settings(Map.of("SEKISHO_GATEWAY_WEBSOCKET_ORIGINS", "https://a.example.jp,http://b.example.jp:8080"));
    assertThat(listed.allowsWebSocketFrom("http://b.example.jp:8080")).isTrue();
    assertThat(listed.allowsWebSocketFrom("http://localhost:8080")).isFalse();
    assertThatThrownBy(() -> settings(Map.of("SEKISHO_GATEWAY_WEBSOCKET_ORIGINS", "https://a.example.jp/path")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.websocketOrigins");
  }

  private static GatewaySettings settings(Map<String, String> env) {
    return GatewaySettings.from(new ConfigReader(ConfigLoader.load(env, Map.of())));
  }
}
