package dev.sekisho.web;

import dev.sekisho.testing.GatewayExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The language switch keeps the page's own query, which some pages live on (the mailed link's token). */
class LanguageSwitchTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.defaults();
  private static final Pattern SWITCH = Pattern.compile("<a class=\"lang\" href=\"([^\"]*)\"");

  /** The switch's link as the browser reads it (Handlebars escapes '=' and '&' in attributes). */
  static String switchLink(String html) {
    Matcher m = SWITCH.matcher(html);
    assertThat(m.find()).as("a language switch on the page").isTrue();
    return m.group(1).replace("&#x3D;", "=").replace("&amp;", "&");
  }

  @Test
  void theSwitchKeepsTheQueryAndReplacesOnlyTheLanguage() {
    // Failed before: the link was "?lang=en", so the confirmation page lost its token in English.
    String page = gateway.client().get("/sekisho/onboarding/confirm?token=abc%2Bdef&lang=ja").body();
    assertThat(switchLink(page)).isEqualTo("?token=abc%2Bdef&lang=en");
    assertThat(switchLink(gateway.client().get("/sekisho/login?lang=en").body())).isEqualTo("?lang=ja");
  }

  @Test
  void aQueryThatDoesNotDecodeStillGetsAPlainSwitch() throws IOException {
    URI base = URI.create(gateway.baseUrl());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /sekisho/login?x=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(switchLink(answer)).isEqualTo("?lang=en");
    }
  }
}
