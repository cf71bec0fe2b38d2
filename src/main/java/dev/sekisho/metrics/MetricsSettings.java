package dev.sekisho.metrics;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;
import java.util.List;

/** The {@code metrics} section: the Prometheus endpoint, who may scrape it, how often gauges refresh. */
public record MetricsSettings(boolean enabled, List<String> allowFrom, Duration refresh) {

  public static MetricsSettings from(ConfigReader config) {
    List<String> allowFrom = config.strings("metrics.allowFrom");
    for (String entry : allowFrom) {
      if (!AddressMatcher.valid(entry)) {
        throw config.error("metrics.allowFrom", "must list IP addresses or CIDR ranges", entry);
      }
    }
    return new MetricsSettings(config.bool("metrics.enabled"), allowFrom,
        Duration.ofSeconds(config.integer("metrics.refreshSeconds", 1, 3600)));
  }
}
