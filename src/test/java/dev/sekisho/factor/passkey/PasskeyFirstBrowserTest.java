package dev.sekisho.factor.passkey;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Browser;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Optional passkey-first sign-in (webauthn.passkeyFirst): a discoverable passkey, no ID or password typed. */
class PasskeyFirstBrowserTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("webauthn.passkeyFirst", "true"));

  @Test
  void memberSignsInWithThePasskeyAlone() {
    try (Browser browser = Browser.start()) {
      ((HasVirtualAuthenticator) browser.driver()).addVirtualAuthenticator(new VirtualAuthenticatorOptions()
          .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
          .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
          .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true).setIsUserConsenting(true));
      String id = gateway.admin().newMember("first");
      Sql.memberState(id, "onboarded", "passkey");
      browser.login(gateway.baseUrl(), id, AdminClient.RULE_PASSWORD);
      browser.visible("passkey-start").click();
      browser.visible("passkey-next").click();
      PasskeyBrowserTest.continuePastRecoveryCodes(browser);
      browser.logoutFromTopPage(id);

      browser.visible("passkey-first").click();
      browser.waitForPath("/sekisho/login/passkey");
      browser.visible("passkey-start").click();
      browser.waitForPath("/");
      assertThat(browser.driver().findElement(By.id("user")).getText()).isEqualTo(id);
      assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'passkey.first' and outcome = 'ok'", id))
          .isEqualTo(1L);

      // Deactivated by the insurer (資格喪失): the passkey alone no longer signs the member in.
      browser.logoutFromTopPage(id);
      assertThat(gateway.admin().call("POST", "/members/" + id + "/deactivate", "{}", "application/json").statusCode())
          .isEqualTo(200);
      browser.visible("passkey-first").click();
      browser.waitForPath("/sekisho/login/passkey");
      browser.visible("passkey-start").click();
      assertThat(browser.visible("passkey-message").getText()).isNotBlank();
      assertThat(Sql.value("select count(*) from audit_event where login_id = ? and kind = 'passkey.first' and outcome = 'refused'",
          id)).isEqualTo(1L);
      browser.open(gateway.baseUrl() + "/");
      assertThat(browser.path()).isNotEqualTo("/");
    }
  }
}
