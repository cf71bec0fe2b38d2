package dev.sekisho.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench measures a gateway's memory as the README, the Dockerfile and the systemd unit start it:
 * with the same JVM flags ({@link GatewayProcess#JVM_FLAGS}) and environment ({@link GatewayProcess#ENV}),
 * so the RSS figure is the documented gateway's and not one of a process the bench started differently.
 */
class GatewayFlagsTest {
  private static final String FLAGS = String.join(" ", GatewayProcess.JVM_FLAGS);
  private static final String ENV = GatewayProcess.ENV.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
      .sorted().collect(Collectors.joining(" "));

  @Test
  void theReadmeDockerfileAndSystemdUnitStartTheGatewayWithTheBenchsFlags() throws IOException {
    assertThat(Files.readString(Path.of("README.md"))).contains(ENV + " java " + FLAGS + " -jar sekisho.jar start")
        .contains("java " + FLAGS + " -jar /app/sekisho.jar start").contains("`" + ENV + "`");
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile)
        .contains("ENTRYPOINT [\"java\", \"" + String.join("\", \"", GatewayProcess.JVM_FLAGS) + "\", \"-jar\"");
    String unit = Files.readString(Path.of("deploy", "systemd", "sekisho.service"));
    assertThat(unit).contains("java " + FLAGS + " -jar");
    GatewayProcess.ENV.forEach((name, value) -> {
      assertThat(dockerfile).contains("ENV " + name + "=" + value);
      assertThat(unit).contains("Environment=" + name + "=" + value);
    });
  }
}
