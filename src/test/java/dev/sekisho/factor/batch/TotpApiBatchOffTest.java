package dev.sekisho.factor.batch;

import dev.sekisho.factor.OtpFixtures;
import dev.sekisho.factor.code.OtpFlowTest;
import dev.sekisho.testing.AdminClient;
import dev.sekisho.testing.GatewayExtension;
import dev.sekisho.testing.Sql;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code otp.batch.enabled false} every check is its own statement, and checks sent together all pass. */
class TotpApiBatchOffTest {
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.with(Map.of("otp.batch.enabled", "false", "http.instances", "1"));
  static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void checksSentTogetherAreEachTheirOwnStatementAndPass() throws Exception {
    AdminClient admin = gateway.admin();
    List<HttpRequest> requests = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = admin.newMember("nobatch");
      OtpFixtures.setState(id, "onboarded", "totp");
      byte[] key = (byte[]) OtpFlowTest.setUpTotp(gateway.client(), id)[0];
      Sql.update("update otp_totp set last_step = 0 where member_id = (select id from member where login_id = ?)", id);
      HttpResponse<String> login = gateway.client().postRaw("/sekisho/api/login",
          new JsonObject().put("userId", id).put("password", AdminClient.RULE_PASSWORD).encode(), "application/json");
      String token = new JsonObject(login.body()).getString("token");
      requests.add(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/sekisho/api/otp/verify"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("code", OtpFlowTest.code(key, 0)).encode())).build());
      ids.add(id);
    }
    double[] before = batches();

    List<CompletableFuture<HttpResponse<String>>> sent = requests.stream()
        .map(r -> http.sendAsync(r, HttpResponse.BodyHandlers.ofString())).toList();

    assertThat(sent.stream().map(CompletableFuture::join).toList()).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isEqualTo(200));
    double[] after = batches();
    assertThat(after[0] - before[0]).as("statements").isEqualTo(3);
    assertThat(after[1] - before[1]).as("checks").isEqualTo(3);
    for (String id : ids) {
      assertThat(Sql.count("select count(*) from audit_event where login_id = ? and kind = 'otp.api.verify.totp' and outcome = 'ok'", id))
          .isEqualTo(1);
    }
  }

  private static double[] batches() throws Exception {
    String text = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new double[] {sum(text, "sekisho_otp_check_batch_size_count"), sum(text, "sekisho_otp_check_batch_size_sum")};
  }

  private static double sum(String text, String name) {
    return text.lines().filter(l -> l.startsWith(name + "{") && l.contains("statement=\"totp-api\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
