package dev.sekisho.onboarding;

import dev.sekisho.db.DatabaseTarget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LISTEN connection per gateway process: each "email confirmed" NOTIFY (sent by whichever
 * process opened the link, at commit) is published on this process's event bus, where the
 * waiting pages' event streams hear it. A lost connection reconnects; a notification missed
 * meanwhile is caught by the page's periodic status check.
 */
public final class ConfirmationSignals extends VerticleBase {
  /** Local event-bus address; the body is the member id (Long). */
  public static final String ADDRESS = "sekisho.onboarding.email-confirmed";
  private static final Logger LOG = LoggerFactory.getLogger(ConfirmationSignals.class);

  private final DatabaseTarget database;
  private PgSubscriber subscriber;

  public ConfirmationSignals(DatabaseTarget database) {
    this.database = database;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, database.connectOptions())
        .reconnectPolicy(retries -> 1000L);
    subscriber.channel(OnboardingService.CONFIRMED_CHANNEL).handler(payload -> {
      try {
        vertx.eventBus().publish(ADDRESS, Long.parseLong(payload));
      } catch (NumberFormatException e) {
        LOG.warn("ignored malformed confirmation notification");
      }
    });
    return subscriber.connect();
  }

  @Override
  public Future<?> stop() {
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }
}
