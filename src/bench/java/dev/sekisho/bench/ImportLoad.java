package dev.sekisho.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code --import-members N} (issue 16 item 5): a member file of N new members sent to gateway 0 as
 * an import job (the admin API, {@code POST /imports}) while the OTP checks run at their open rate:
 * the checks' p99 during the import beside their p99 alone, and how long the job took. Every row
 * is a new member, so every row costs an Argon2id hash at the configured settings.
 */
final class ImportLoad {
  /** The admin token of the gateways this bench starts (one per run, never printed). */
  static final String ADMIN_TOKEN = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI gateway;
  private final PrintStream out;
  private long jobId;
  private long startedNanos;

  private ImportLoad(URI gateway, PrintStream out) {
    this.gateway = gateway;
    this.out = out;
  }

  /** The bench's measured open run of the checks at a rate. */
  interface OpenRun {
    RunResult at(double rate) throws Exception;
  }

  /**
   * Sends the file to gateway 0, runs the checks at the rate they ran alone while the job hashes,
   * prints both p99s, then waits for the job's end (at most {@code --import-wait-minutes}).
   */
  static void during(BenchContext ctx, Scenarios.Totp totp, RunResult alone, URI gateway, BenchOptions options, Path work,
                     PrintStream out, OpenRun checks) throws Exception {
    if (options.importMembers() == 0 || alone == null) {
      return;
    }
    ImportLoad load = new ImportLoad(gateway, out);
    load.send(options.importMembers(), work);
    double rate = alone.throughput();
    totp.prepare(ctx, Math.min(BenchCommand.SESSIONS_PER_RUN, (long) Math.ceil(rate * options.seconds()) + 1));
    RunResult during = checks.at(rate);
    out.printf(Locale.ROOT, "    OTP-check p99 alone %.1f ms, during the import %.1f ms (same rate, %.0f/s)%n",
        alone.percentileMillis(99), during.percentileMillis(99), rate);
    load.awaitEnd(Duration.ofMinutes(options.importWaitMinutes()));
  }

  private void send(int members, Path work) throws IOException, InterruptedException {
    Path file = work.resolve("import-members.csv");
    String prefix = "bimp" + Long.toString(System.currentTimeMillis(), 36);
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write("user_id,symbol,number,birthdate,name,email\n");
      for (int n = 1; n <= members; n++) {
        writer.write(prefix + "-" + n + ",12," + (100000 + n) + ",1980-04-01,取込 太郎," + prefix + "-" + n + "@example.jp\n");
      }
    }
    startedNanos = System.nanoTime();
    HttpResponse<String> response = http.send(request("/imports?dryRun=false").header("Content-Type", "text/csv")
        .POST(HttpRequest.BodyPublishers.ofFile(file)).timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("the import was not accepted: " + response.statusCode() + " " + response.body());
    }
    jobId = new JsonObject(response.body()).getLong("id");
    out.printf(Locale.ROOT, "    import job %d: %d members accepted in %.1f s (checked and staged; the request is done)%n",
        jobId, members, (System.nanoTime() - startedNanos) / 1e9);
    while (!"running".equals(status().getString("state"))) {
      Thread.sleep(200);
    }
  }

  private JsonObject status() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request("/imports/" + jobId).GET().build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body());
  }

  /** Waits for the job's end (at most the cap), printing its progress each minute, then its duration. */
  private void awaitEnd(Duration cap) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + cap.toNanos();
    long nextPrint = System.nanoTime() + 60_000_000_000L;
    JsonObject job = status();
    while (!"done".equals(job.getString("state")) && !"failed".equals(job.getString("state")) && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      job = status();
      if (System.nanoTime() > nextPrint) {
        nextPrint += 60_000_000_000L;
        out.printf(Locale.ROOT, "    import job %d: %s%n", jobId, job.getJsonObject("progress"));
      }
    }
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    int done = job.getJsonObject("progress").getInteger("done");
    out.printf(Locale.ROOT, "    import job %d %s: %d of %d members in %.0f s from the upload (%.1f members/s)%n", jobId,
        job.getString("state"), done, job.getJsonObject("progress").getInteger("total"), seconds, done / seconds);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(gateway.resolve("/sekisho/admin/api" + path)).header("Authorization", "Bearer " + ADMIN_TOKEN);
  }
}
