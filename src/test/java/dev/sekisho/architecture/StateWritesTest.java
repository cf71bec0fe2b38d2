package dev.sekisho.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The member's state has one writer: every move of member.onboarding_state goes through
 * journey.JourneyEngine, which checks the transition table. A statement elsewhere that sets the
 * column would move members past the table unseen.
 */
class StateWritesTest {
  private static final Path ENGINE = Path.of("dev/sekisho/journey/JourneyEngine.java");
  /** An UPDATE of member whose SET list (up to its WHERE) names onboarding_state. */
  private static final Pattern SETS_STATE = Pattern.compile(
      "update\\s+member\\s+set\\s(?:(?!\\bwhere\\b)[^;])*?onboarding_state\\s*=", Pattern.CASE_INSENSITIVE);

  @Test
  void onlyTheJourneyEngineWritesTheMembersState() throws IOException {
    Path sources = Path.of("src/main/java");
    List<String> writers;
    try (Stream<Path> files = Files.walk(sources)) {
      writers = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !sources.relativize(f).equals(ENGINE))
          .filter(StateWritesTest::setsState)
          .map(f -> sources.relativize(f).toString())
          .toList();
    }
    assertThat(writers).as("classes that update member.onboarding_state themselves").isEmpty();
  }

  @Test
  void theScanSeesAWriteAndIgnoresAConditionOnTheState() {
    assertThat(SETS_STATE.matcher("update member set onboarding_state = $2 where id = $1").find()).isTrue();
    assertThat(SETS_STATE.matcher("\"update member set last_method = $2, \"\n + \"onboarding_state = 'x' where id = $1\"").find())
        .isTrue();
    assertThat(SETS_STATE.matcher("update member set setup_deadline = now() where login_id = $1 and onboarding_state = $3")
        .find()).isFalse();
    assertThat(SETS_STATE.matcher("\"update member set setup_deadline = now() \"\n + \"where onboarding_state = $3\"").find())
        .isFalse();
  }

  private static boolean setsState(Path file) {
    try {
      return SETS_STATE.matcher(Files.readString(file)).find();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
