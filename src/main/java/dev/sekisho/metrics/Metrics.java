package dev.sekisho.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.impl.MicrometerMetrics;

import java.util.EnumSet;
import java.util.UUID;

/**
 * Creates the gateway's Vert.x instance with its own Prometheus registry. Each Vert.x gets a
 * registry and a registry name of its own: vertx-micrometer-metrics keeps registries in a static
 * map by name, so two gateways in one JVM (the tests' scale-out) would otherwise count into one.
 */
public final class Metrics {
  private Metrics() {}

  /** A Vert.x with metrics when enabled (HTTP per route, pools, JVM), else a plain one. */
  public static Vertx vertx(MetricsSettings settings) {
    if (!settings.enabled()) {
      return Vertx.vertx();
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before any meter exists: histogram buckets for latencies, one clean route label.
    registry.config().meterFilter(MeterShapes.routeLabels()).meterFilter(MeterShapes.histograms());
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName("sekisho-" + UUID.randomUUID())
        // The route label is the route's pattern (bounded), never the raw path a client chose.
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.NAMESPACE))
        // The only HTTP client is the one to the portal: its requests are the proxied requests the
        // server side already counts and times per route. Counting them twice cost each proxied
        // request a second set of meter look-ups (seen in the bench's profile).
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        // TCP client meters carry no tag telling the clients apart (each database pool, the mail
        // client, the LISTEN connection): every client after the first failed to register, with a
        // warning at each start, and the one kept counted a single client. The per-pool meters
        // (vertx_pool_*, named by db/Pools) say what they meant to.
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        // The same for the event bus: without an address tag (which would also count reply
        // addresses, unbounded) its gauges clashed as soon as a second address was used.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** The registry of a Vert.x made by {@link #vertx}, or null when metrics are off. */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    // The registry is reachable only through the metrics SPI object Vert.x holds.
    if (vertx instanceof VertxInternal internal && internal.metrics() instanceof MicrometerMetrics metrics
        && metrics.registry() instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    return null;
  }
}
