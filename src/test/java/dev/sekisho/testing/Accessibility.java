package dev.sekisho.testing;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.openqa.selenium.WebDriver;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * axe-core (Deque's engine, from its Maven Central Java integration) run on the page the browser
 * shows: no serious or critical violation of the WCAG 2.x A/AA rules (issue 17 item 8).
 */
public final class Accessibility {
  private Accessibility() {}

  public static void assertNoSeriousViolations(WebDriver driver) {
    Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(driver);
    assertThat(results.getPasses()).as("axe-core ran on " + driver.getCurrentUrl()).isNotEmpty();
    List<Rule> serious = results.getViolations().stream()
        .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
        .toList();
    assertThat(serious).as(() -> driver.getCurrentUrl() + ": " + serious.stream()
        .map(rule -> rule.getId() + " (" + rule.getImpact() + "): " + rule.getNodes().stream()
            .map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining(", ")))
        .collect(Collectors.joining("; "))).isEmpty();
  }
}
