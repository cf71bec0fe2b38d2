package dev.sekisho.metrics;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.web.AddressMatcher;

import java.time.Duration;
import java.util.List;

/** The {@code metrics} section: the Prometheus endpoint, who may scrape it, how often gauges refresh. */
public record MetricsSettings(boolean enabled, List<String> allowFrom, Duration refresh) {

  public static MetricsSettings from(ConfigReader config) {
    List<String> allowFrom = AddressMatcher.fromConfig(config, "metrics.allowFrom");
    return new MetricsSettings(config.bool("metrics.enabled"), allowFrom,
        Duration.ofSeconds(config.integer("metrics.refreshSeconds", 1, 3600)));
  }
}
