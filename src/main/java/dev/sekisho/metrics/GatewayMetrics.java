package dev.sekisho.metrics;

import dev.sekisho.web.AddressMatcher;
import dev.sekisho.audit.AuditEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.List;

/**
 * The gateway's own meters beside Vert.x's: login and second-factor outcomes (counted from the
 * audit events, so every path that audits a login or a check is counted the same way), and the
 * /metrics endpoint, answered only to the configured addresses.
 */
public final class GatewayMetrics {
  public static final String PATH = "/metrics";
  private final MeterRegistry registry;
  private final AddressMatcher allowed;

  public GatewayMetrics(PrometheusMeterRegistry registry, List<String> allowFrom) {
    this.registry = registry;
    this.allowed = new AddressMatcher(allowFrom);
    registerAtZero();
  }

  /** Logins by kind and their outcomes, as the audit events name them. */
  static final java.util.Map<String, List<String>> LOGIN_OUTCOMES = java.util.Map.of(
      "login.password", List.of("success", "invalid", "locked", "setup_expired"),
      "passkey.first", List.of("ok", "refused"));
  static final List<String> CHECK_METHODS = List.of("totp", "email", "hotp", "recovery", "passkey");
  static final List<String> CHECK_OUTCOMES = List.of("ok", "invalid", "locked", "expired");

  /**
   * Every series an alert reads exists from the start at zero: a rate over a counter that appears
   * only at its first event misses that event, and an absent series cannot be told from a broken scrape.
   */
  private void registerAtZero() {
    LOGIN_OUTCOMES.forEach((kind, outcomes) -> outcomes.forEach(outcome -> counter("sekisho_login_outcomes", kind, outcome)));
    for (String method : CHECK_METHODS) {
      CHECK_OUTCOMES.forEach(outcome -> counter("sekisho_otp_checks", method, outcome));
    }
    for (dev.sekisho.factor.totp.TotpApiCheck.Path path : dev.sekisho.factor.totp.TotpApiCheck.Path.values()) {
      pathCounter(path);
    }
  }

  /** Counts audit events that are outcomes of a login or of a second-factor check. */
  public void audited(AuditEvent event) {
    String kind = event.kind();
    if (kind.equals("login.password") || kind.equals("passkey.first")) {
      counter("sekisho_login_outcomes", kind, event.outcome()).increment();
    } else if (kind.startsWith("otp.verify.") || kind.startsWith("otp.api.verify.")) {
      counter("sekisho_otp_checks", kind.substring(kind.lastIndexOf('.') + 1), event.outcome()).increment();
    } else if (kind.equals("passkey.login")) {
      counter("sekisho_otp_checks", "passkey", event.outcome()).increment();
    }
  }

  /**
   * Which path a TOTP check of the JSON API took: warm (one database round trip), cold (two), or
   * ordinary (the general path, taken by every refused check and by sessions it could not use).
   */
  public void otpCheckPath(dev.sekisho.factor.totp.TotpApiCheck.Path path) {
    pathCounter(path).increment();
  }

  /**
   * The size of each statement that decided second-factor checks (group commit, factor.batch):
   * 1 for a check decided alone. Its count is the statements sent, its sum the checks decided; by
   * statement: "totp-api" (TotpApiCheck's), "totp" (the pages' and the API's ordinary path), "hotp" (HotpCheckBatch),
   * "email" (EmailCheckBatch), "recovery" (RecoveryCheckBatch).
   */
  public void otpCheckBatch(String statement, int size) {
    // Micrometer caches meters by id: a map lookup after the first call.
    DistributionSummary.builder("sekisho_otp_check_batch_size").tag("statement", statement)
        .description("Second-factor checks decided per statement and commit (group commit; 1 = alone)")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry).record(size);
  }

  private Counter pathCounter(dev.sekisho.factor.totp.TotpApiCheck.Path path) {
    return Counter.builder("sekisho_otp_api_check_path").tag("path", path.name().toLowerCase(java.util.Locale.ROOT))
        .description("TOTP checks of the JSON API by path: warm = 1 database round trip, cold = 2, ordinary = the general path")
        .register(registry);
  }

  private Counter counter(String name, String kindOrMethod, String outcome) {
    // Micrometer caches meters by id: this is a map lookup after the first call.
    return Counter.builder(name).tag(name.equals("sekisho_otp_checks") ? "method" : "kind", kindOrMethod)
        .tag("outcome", outcome == null ? "" : outcome).register(registry);
  }

  /** Mounts /metrics (before the session handler: scrapes create no session). */
  public void mount(Router router, PrometheusMeterRegistry prometheus) {
    router.get(PATH).handler(this::allowOnly).handler(PrometheusScrapingHandler.create(prometheus));
  }

  private void allowOnly(RoutingContext ctx) {
    // The direct peer, not X-Forwarded-For: a header must not open the endpoint.
    var peer = ctx.request().remoteAddress();
    if (peer != null && allowed.matches(peer.hostAddress())) {
      ctx.next();
    } else {
      ctx.response().setStatusCode(403).putHeader("content-type", "text/plain; charset=utf-8").end("forbidden\n");
    }
  }
}
