package dev.sekisho.admin;

import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.Sql;
import dev.sekisho.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the admin API exposes: nothing at all without a configured token outside the development run,
 * and in the member view not the issued password (card symbol + number + birthdate) unless asked
 * for, which is audited.
 */
class AdminExposureTest {

  @Test
  void withoutATokenOutsideTheDevelopmentRunTheAdminApiIsOff() throws Exception {
    // An external database (the test server) is not the development run: no token is generated.
    try (TestGateway gateway = TestGateway.start(Map.of("admin.token", ""))) {
      for (String token : new String[] {"", "guess-0123456789abcdefghijkl", TestGateway.ADMIN_TOKEN}) {
        HttpResponse<String> answer = AdminClient.withToken(gateway.baseUrl(), token).call("GET", "/members", null, null);
        assertThat(answer.statusCode()).as("token '" + token + "'").isEqualTo(404);
        assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("code")).isEqualTo("admin_api_off");
      }
      HttpResponse<String> noHeader = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(gateway.baseUrl() + "/sekisho/admin/api/members/import"))
          .POST(HttpRequest.BodyPublishers.ofString("user_id,symbol,number,birthdate,name,email\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(noHeader.statusCode()).isEqualTo(404);
      assertThat(noHeader.body()).contains("admin_api_off");
    }
  }

  @Test
  void theMemberViewMasksTheCardNumberAndBirthdateUnlessRevealedAndAuditsTheReveal() {
    try (TestGateway gateway = TestGateway.start()) {
      AdminClient admin = gateway.admin();
      String id = admin.newMember("masked");
      HttpResponse<String> plain = admin.call("GET", "/members/" + id, null, null);
      assertThat(plain.statusCode()).isEqualTo(200);
      JsonObject view = new JsonObject(plain.body());
      assertThat(view.getString("number")).isEqualTo("***6");
      assertThat(view.getString("birthdate")).isEqualTo("1980-**-**");
      assertThat(view.getBoolean("cardRevealed")).isFalse();
      assertThat(plain.body()).doesNotContain("3456").doesNotContain("1980-04-01").doesNotContain("19800401");

      JsonObject revealed = new JsonObject(admin.call("GET", "/members/" + id + "?reveal=card", null, null).body());
      assertThat(revealed.getString("number")).isEqualTo("3456");
      assertThat(revealed.getString("birthdate")).isEqualTo("1980-04-01");
      assertThat(Sql.value("select detail->>'revealed' from audit_event where login_id = ? and kind = 'admin.members.view' "
          + "order by id desc limit 1", id)).isEqualTo("card");
      assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'admin.members.view' "
          + "and detail->>'revealed' is not null", id)).as("only the revealing view is marked").isEqualTo(1);

      HttpResponse<String> bad = admin.call("GET", "/members/" + id + "?reveal=everything", null, null);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("bad_reveal");
    }
  }
}
