package dev.sekisho.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench measures a gateway's memory as the README, the Dockerfile and the systemd unit start it:
 * with the same JVM flags ({@link GatewayProcess#JVM_FLAGS}), so the RSS figure is the documented
 * gateway's and not one of a process the bench started differently.
 */
class GatewayFlagsTest {
  private static final String FLAGS = String.join(" ", GatewayProcess.JVM_FLAGS);

  @Test
  void theReadmeDockerfileAndSystemdUnitStartTheGatewayWithTheBenchsFlags() throws IOException {
    assertThat(Files.readString(Path.of("README.md"))).contains("java " + FLAGS + " -jar sekisho.jar start")
        .contains("java " + FLAGS + " -jar /app/sekisho.jar start");
    assertThat(Files.readString(Path.of("Dockerfile")))
        .contains("ENTRYPOINT [\"java\", \"" + String.join("\", \"", GatewayProcess.JVM_FLAGS) + "\", \"-jar\"");
    assertThat(Files.readString(Path.of("deploy", "systemd", "sekisho.service"))).contains("java " + FLAGS + " -jar");
  }
}
