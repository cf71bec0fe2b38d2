package dev.sekisho.docs;

import dev.sekisho.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README is the operator's manual: every configuration key and the CI command must be in it. */
class ReadmeTest {
  static String readme() throws IOException {
    return Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
  }

  @Test
  void everyConfigurationKeyIsDocumentedWithItsVariable() throws IOException {
    String readme = readme();
    JsonObject config = ConfigLoader.load(Map.of(), Map.of());
    for (String key : ConfigLoader.leafKeys(config)) {
      assertThat(readme).as("README documents %s", key)
          .contains("| `" + key + "` | `" + ConfigLoader.variableName(key) + "` |");
    }
  }

  @Test
  void ciRunsTheReadmeTestCommand() throws IOException {
    String ci = Files.readString(Path.of(".ci", "run"), StandardCharsets.UTF_8);
    assertThat(readme()).contains("```sh\nmvn -B test\n```");
    assertThat(ci).containsPattern("(?m)^mvn -B test$");
  }
}
