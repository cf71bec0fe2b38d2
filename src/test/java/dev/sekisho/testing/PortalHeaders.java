package dev.sekisho.testing;

import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the demo portal saw, asked through a proxy in front (nginx, Caddy) by a signed-in browser that
 * also sends identity headers of its own: only the gateway's values, never the client's, and never the
 * gateway's session cookie.
 */
public final class PortalHeaders {
  private PortalHeaders() {}

  /** Asks the demo portal's header echo at {@code path}; returns the headers it received. */
  public static JsonObject assertVouchedFor(WebClientSession browser, String path, String memberId) {
    HttpResponse<String> portal = browser.send(browser.request(path)
        .header("X-Sekisho-User", "admin").header("X-Sekisho-Method", "none").GET().build());
    assertThat(portal.statusCode()).as(portal.body()).isEqualTo(200);
    JsonObject headers = new JsonObject(portal.body()).getJsonObject("headers");
    assertThat(headers.getString("x-sekisho-user")).isEqualTo(memberId);
    assertThat(URLDecoder.decode(headers.getString("x-sekisho-name"), StandardCharsets.UTF_8)).isEqualTo("テスト 花子");
    assertThat(headers.getString("x-sekisho-email")).isEqualTo(memberId + "@example.jp");
    assertThat(headers.getString("x-sekisho-method")).isEqualTo("totp");
    assertThat(headers.getString("x-sekisho-session")).matches("[0-9a-f]{32}");
    assertThat(headers.getString("cookie", "")).doesNotContain("sekisho.sid");
    return headers;
  }
}
