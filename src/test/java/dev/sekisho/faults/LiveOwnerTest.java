package dev.sekisho.faults;

import dev.sekisho.bench.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import command beside a running gateway on the same embedded database: it refuses and the
 * gateway keeps serving; and a gateway whose embedded database is stopped under it says so on /health.
 * On the way, the development run's start-up log is checked as an operator reads it.
 */
class LiveOwnerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void importRefusesALiveGatewaysDatabaseAndHealthSeesItsDatabaseGone(@TempDir Path dir) throws Exception {
    // Reachable by 'nobody' when the tests run as root (the server then runs as nobody).
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = dir.resolve("postgres");
    Path csv = dir.resolve("members.csv");
    Files.writeString(csv, "user_id,symbol,number,birthdate,name,email\nm1,12,3456,1980-04-01,関所 一郎,m1@example.jp\n");
    try (GatewayProcess gateway = FaultChildren.start(data, Map.of())) {
      // The development run's start-up, as an operator sees it: the banner names the public origin and
      // the mode, and no meter is registered twice (a duplicate-gauge warning came at every start).
      assertThat(gateway.log()).contains("Sekisho is ready on http://localhost:8080 (listening on http://127.0.0.1:"
          + gateway.port() + ", development run").doesNotContain("already registered");
      // Failed before: the import stopped the gateway's server "from an earlier run", and the gateway answered 503.
      ProcessBuilder importer = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main", "import-members", csv.toString()))
          .redirectErrorStream(true);
      importer.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
      importer.environment().put("SEKISHO_DB_EMBEDDED_DATA_DIR", data.toString());
      Process run = importer.start();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(run.exitValue()).as(output).isEqualTo(1);
      assertThat(output).contains("in use by a running Sekisho process (pid " + gateway.process().pid() + ")")
          .contains("/sekisho/admin/api/members/import");
      assertThat(get(gateway, "/ready").statusCode()).isEqualTo(200);
      assertThat(get(gateway, "/health").statusCode()).isEqualTo(200);

      // The database stopped under it for good (fast shutdown, as pg_ctl stop -m fast): /health no longer says UP.
      String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
      assertThat(new ProcessBuilder("kill", "-INT", pid).start().waitFor()).isZero();
      HttpResponse<String> health = get(gateway, "/health");
      while (health.statusCode() == 200) {
        FaultChildren.pause(100);
        health = get(gateway, "/health");
      }
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("DOWN");
    }
  }

  private static HttpResponse<String> get(GatewayProcess gateway, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
