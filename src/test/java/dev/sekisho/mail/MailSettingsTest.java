package dev.sekisho.mail;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.ConfigReader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mail section: defaults, relay validation, and the retry backoff. */
class MailSettingsTest {
  private static MailSettings read(Map<String, String> overrides) {
    return MailSettings.from(new ConfigReader(ConfigLoader.load(Map.of(), overrides)));
  }

  @Test
  void defaultsAreTheEmbeddedCatcher() {
    MailSettings mail = read(Map.of());
    assertThat(mail.embedded()).isTrue();
    assertThat(mail.fromName()).isEqualTo("健康保険組合");
    assertThat(mail.fromAddress()).startsWith("no-reply@");
  }

  @Test
  void backoffDoublesUpToTheCap() {
    MailSettings mail = read(Map.of("mail.retryBaseSeconds", "30", "mail.retryMaxSeconds", "600"));
    assertThat(mail.backoff(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(mail.backoff(2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(mail.backoff(3)).isEqualTo(Duration.ofSeconds(120));
    assertThat(mail.backoff(6)).isEqualTo(Duration.ofSeconds(600));
    assertThat(mail.backoff(60)).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void aRelayNeedsHostAndPort() {
    assertThatThrownBy(() -> read(Map.of("mail.mode", "relay"))).isInstanceOf(ConfigException.class).hasMessageContaining("mail.host");
    assertThatThrownBy(() -> read(Map.of("mail.mode", "relay", "mail.host", "smtp.example.jp")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mail.port");
    assertThatThrownBy(() -> read(Map.of("mail.mode", "pigeon"))).isInstanceOf(ConfigException.class).hasMessageContaining("mail.mode");
    assertThatThrownBy(() -> read(Map.of("mail.starttls", "maybe"))).isInstanceOf(ConfigException.class).hasMessageContaining("mail.starttls");
    MailSettings relay = read(Map.of("mail.mode", "relay", "mail.host", "smtp.example.jp", "mail.port", "587",
        "mail.starttls", "required", "mail.username", "gw", "mail.password", "pw"));
    assertThat(relay.embedded()).isFalse();
    assertThat(relay.port()).isEqualTo(587);
  }
}
