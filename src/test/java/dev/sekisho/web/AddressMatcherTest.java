package dev.sekisho.web;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.launcher.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One address rule for every address setting: CIDR ranges and IPv6 in trusted proxies as in metrics.allowFrom. */
class AddressMatcherTest {

  @Test
  void addressRanges() {
    AddressMatcher m = new AddressMatcher(List.of("127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8"));
    assertThat(m.matches("127.0.0.1")).isTrue();
    assertThat(m.matches("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(m.matches("10.200.3.4")).isTrue();
    assertThat(m.matches("::ffff:10.0.0.1")).isTrue();
    assertThat(m.matches("fd12::1")).isTrue();
    assertThat(m.matches("11.0.0.1")).isFalse();
    assertThat(m.matches("localhost")).isFalse();
    assertThat(m.matches(null)).isFalse();
    assertThat(AddressMatcher.valid("10.0.0.0/33")).isFalse();
    assertThat(AddressMatcher.valid("example.com")).isFalse();
  }

  @Test
  void aTrustedProxyRangeIsBelievedForForwardedFor() {
    // Failed before: the trusted-proxy rule compared text, so "127.0.0.0/8" never matched.
    ClientAddress clients = new ClientAddress(List.of("127.0.0.0/8", "fd00::/8"));
    assertThat(clients.of("127.0.0.5", "203.0.113.9")).isEqualTo("203.0.113.9");
    assertThat(clients.of("fd00:0:0:0:0:0:0:7", "2001:db8::1, 10.1.1.1")).isEqualTo("10.1.1.1");
    // Hops that are our own proxies are skipped.
    assertThat(clients.of("127.0.0.1", "198.51.100.4, 127.0.0.9")).isEqualTo("198.51.100.4");
    // Not from a trusted proxy: the header is ignored.
    assertThat(clients.of("192.0.2.1", "203.0.113.9")).isEqualTo("192.0.2.1");
  }

  @Test
  void anEntryThatDoesNotParseStopsStartUpForEveryAddressKey() {
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local"), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.trustedProxies").hasMessageContaining("proxy.local");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.load(Map.of("SEKISHO_METRICS_ALLOW_FROM", "10.0.0.0/99"), Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.allowFrom");
    Settings ok = Settings.from(ConfigLoader.load(Map.of("SEKISHO_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,::1"), Map.of()));
    assertThat(ok.web().trustedProxies()).containsExactly("10.0.0.0/8", "::1");
  }
}
