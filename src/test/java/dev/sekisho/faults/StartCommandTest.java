package dev.sekisho.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar sekisho.jar start} with the shipped defaults: refused at once, every key named, nothing created. */
class StartCommandTest {

  @Test
  void productionWithTheDefaultsIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("postgres");
    ProcessBuilder start = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.sekisho.launcher.Main", "start")).redirectErrorStream(true);
    start.environment().keySet().removeIf(k -> k.startsWith("SEKISHO_"));
    start.environment().put("SEKISHO_DB_EMBEDDED_DATA_DIR", data.toString());
    Process run = start.start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(run.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("Sekisho will not start in production (start):")
        .contains("SEKISHO_MAIL_MODE", "SEKISHO_GATEWAY_DEMO_UPSTREAM_ENABLED", "SEKISHO_DEMO_MEMBER", "SEKISHO_SECRETS_KEYS",
            "SEKISHO_ADMIN_TOKEN", "SEKISHO_HTTP_SECURE_COOKIES", "SEKISHO_HTTP_PUBLIC_ORIGIN", "SEKISHO_DB_URL")
        .doesNotContain("Exception");
    assertThat(dir.toFile().list()).isEmpty();
  }
}
