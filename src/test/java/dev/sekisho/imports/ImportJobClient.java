package dev.sekisho.imports;

import dev.sekisho.testing.AdminClient;
import io.vertx.core.json.JsonObject;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The import job calls of the JSON API, for the import tests. */
final class ImportJobClient {
  private final AdminClient admin;

  ImportJobClient(AdminClient admin) {
    this.admin = admin;
  }

  HttpResponse<String> post(String csv, boolean dryRun) {
    return admin.call("POST", "/imports?dryRun=" + dryRun, csv, "text/csv; charset=utf-8");
  }

  /**
   * A large file with the bootstrap token and a patient client: checking and staging 100,000 rows
   * takes seconds, but minutes on a machine loaded by parallel builds (AdminClient gives up at 2).
   */
  static HttpResponse<String> postLarge(String baseUrl, String csv) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(baseUrl + "/sekisho/admin/api/imports?dryRun=false"))
        .header("Authorization", "Bearer " + dev.sekisho.testing.TestGateway.ADMIN_TOKEN)
        .header("Content-Type", "text/csv; charset=utf-8").timeout(Duration.ofMinutes(10))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(csv, java.nio.charset.StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Checks a file (dry-run, 200) and returns the job. */
  JsonObject check(String csv) {
    HttpResponse<String> response = post(csv, true);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  JsonObject start(long id) {
    HttpResponse<String> response = admin.call("POST", "/imports/" + id + "/start", null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return new JsonObject(response.body());
  }

  JsonObject job(long id) {
    HttpResponse<String> response = admin.call("GET", "/imports/" + id, null, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  /** Polls the job until its state is one of these (a job runs in the background); fails after the patience. */
  JsonObject await(long id, Duration patience, String... states) {
    Instant deadline = Instant.now().plus(patience);
    while (true) {
      JsonObject job = job(id);
      if (Set.of(states).contains(job.getString("state"))) {
        return job;
      }
      assertThat(Instant.now()).as("job %s still %s: %s", id, job.getString("state"), job.getJsonObject("progress"))
          .isBefore(deadline);
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
