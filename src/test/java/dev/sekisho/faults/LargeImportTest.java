package dev.sekisho.faults;

import dev.sekisho.bench.GatewayProcess;
import dev.sekisho.testing.TestDatabase;
import dev.sekisho.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 5: a member file of 60 MiB (under the 64 MiB limit) ran a gateway with a 512 MB
 * heap out of memory: the body was held as a buffer, its bytes and its text at once. The import
 * now streams to a temporary file and is parsed as it is read; this gateway runs in its own JVM
 * with -Xmx512m and must answer the file with its verdict (422: a line longer than any member
 * line) and stay healthy.
 */
class LargeImportTest {
  @Test
  void sixtyMebibyteImportIsAnsweredWithinA512MbHeap() throws Exception {
    Map<String, String> env = Map.of("SEKISHO_DB_URL", TestDatabase.url(), "SEKISHO_DEMO_MEMBER", "false",
        "JAVA_TOOL_OPTIONS", "-Xmx512m");
    try (GatewayProcess gateway = FaultChildren.start(null, env)) {
      byte[] file = memberFile(60 * 1024 * 1024);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/sekisho/admin/api/members/import"))
          .header("Authorization", "Bearer " + TestGateway.ADMIN_TOKEN).header("Content-Type", "text/csv; charset=utf-8")
          .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofByteArray(file)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(error.getJsonArray("problems").size()).isLessThanOrEqualTo(1001);
      assertThat(gateway.log()).doesNotContain("OutOfMemoryError");
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }

  /**
   * About size bytes: a valid line, then a line whose name field runs to the end of the file (a
   * spreadsheet export gone wrong). It starts with a kanji, so every copy of the text the old
   * import made was UTF-16: two bytes a character.
   */
  private static byte[] memberFile(int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 1024);
    out.writeBytes(("user_id,symbol,number,birthdate,name,email\nbig1,12,3456,1980-04-01,関所 太郎,m1@example.jp\n"
        + "big2,12,3456,1980-04-01,関").getBytes(StandardCharsets.UTF_8));
    byte[] filler = new byte[1024 * 1024];
    java.util.Arrays.fill(filler, (byte) 'a');
    while (out.size() < size) {
      out.writeBytes(filler);
    }
    out.writeBytes(",m2@example.jp\n".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
