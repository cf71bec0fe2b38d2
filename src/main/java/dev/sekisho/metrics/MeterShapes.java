package dev.sekisho.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * How the registry shapes meters before they exist: latency timers get fixed Prometheus histogram
 * buckets (so p99 can be computed across processes: a summary cannot be aggregated), and the HTTP
 * {@code route} label is reduced to the one route that answered.
 */
final class MeterShapes {
  /** Timers published as histograms: HTTP latency, pool waits (SQL and password hashing), the gateway's own. */
  private static final List<String> TIMED = List.of("vertx.http.server.response.time", "vertx.pool.queue.time",
      "vertx.pool.usage", "sekisho.");

  /** Seconds: from a cached session check (a millisecond) to a slow upload to the portal. */
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  /** The route label of a request no route with a path answered (a 404, a refused malformed path). */
  static final String UNMATCHED = "unmatched";

  private MeterShapes() {}

  static MeterFilter histograms() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || TIMED.stream().noneMatch(id.getName()::startsWith)) {
          return config;
        }
        double[] nanos = new double[BUCKETS.length];
        for (int i = 0; i < BUCKETS.length; i++) {
          nanos[i] = BUCKETS[i] * 1e9; // a timer's objectives are in nanoseconds; Prometheus shows seconds
        }
        return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
      }
    };
  }

  /**
   * vertx-web reports every matched route with a path, joined by {@code >} (so the gateway's
   * pages read {@code /sekisho/>/sekisho/>/sekisho/login}: the body and CSRF handlers' patterns
   * first); the last one is the route that answered, and it alone is kept.
   */
  static MeterFilter routeLabels() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String route = id.getTag("route");
        if (route == null) {
          return id;
        }
        String clean = lastRoute(route);
        if (clean.equals(route)) {
          return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
          tags.add(tag.getKey().equals("route") ? Tag.of("route", clean) : tag);
        }
        return id.replaceTags(tags);
      }
    };
  }

  static String lastRoute(String joined) {
    String[] parts = joined.split(">");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty()) {
        return parts[i];
      }
    }
    return UNMATCHED;
  }
}
