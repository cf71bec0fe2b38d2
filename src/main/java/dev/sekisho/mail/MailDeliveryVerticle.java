package dev.sekisho.mail;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Delivers the outbox over SMTP (Vert.x Mail Client). Rows are claimed with FOR UPDATE SKIP LOCKED,
 * so any number of gateway processes share the outbox and each mail goes out once. A failed
 * attempt is retried with exponential backoff; after mail.maxAttempts the row is marked failed,
 * which the insurer sees through the admin API. A claim that its process never finished (crash)
 * expires and the row is picked up again.
 */
public final class MailDeliveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MailDeliveryVerticle.class);
  private static final int BATCH = 20;
  private static final String CLAIM = """
      with due as (
        select id from mail_outbox
        where ((status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and claimed_until < now()))
          and ($2::bigint is null or id = $2)
        order by next_attempt_at limit $1
        for update skip locked)
      update mail_outbox m set status = 'sending', attempts = m.attempts + 1, claimed_until = now() + interval '5 minutes'
      from due where m.id = due.id
      returning m.id, m.kind, m.recipient, m.subject, m.body, m.sealed_body, m.key_id, m.attempts
      """;

  private final DatabaseTarget database;
  private final MailSettings settings;
  private final int smtpPort;
  private final SecretBox box;
  private Pool pool;
  private MailClient client;
  private MessageConsumer<Long> consumer;
  private boolean sweeping;
  /** Set when the verticle stops: no new claims. */
  private boolean stopping;
  private long sweepTimer = -1;
  /** Claims under way (this verticle's event loop only): a stop lets them finish before it closes anything. */
  private final java.util.Set<Future<Integer>> claims = new java.util.HashSet<>();

  /**
   * @param smtpPort where to send: the embedded catcher's port, or the relay's
   * @param box the secret ring that opens the sealed bodies
   */
  public MailDeliveryVerticle(DatabaseTarget database, MailSettings settings, int smtpPort, SecretBox box) {
    this.database = database;
    this.settings = settings;
    this.smtpPort = smtpPort;
    this.box = box;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, database, 2);
    MailConfig config = new MailConfig()
        .setHostname(settings.embedded() ? "127.0.0.1" : settings.host())
        .setPort(smtpPort)
        .setStarttls(StartTLSOptions.valueOf(settings.starttls().toUpperCase(Locale.ROOT)))
        .setKeepAlive(true)
        .setMaxPoolSize(4)
        .setConnectTimeout((int) settings.sendTimeout().toMillis())
        // A connection that goes silent (a stuck relay) is closed, freeing its pool slot.
        .setIdleTimeout((int) settings.sendTimeout().toSeconds())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (!settings.username().isEmpty()) {
      config.setLogin(LoginOption.REQUIRED).setUsername(settings.username()).setPassword(settings.password());
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    client = MailClient.create(vertx, config);
    consumer = vertx.eventBus().<Long>localConsumer(MailOutbox.DELIVER_ADDRESS, msg -> claimAndSend(msg.body()));
    sweepTimer = vertx.setPeriodic(settings.poll().toMillis(), settings.poll().toMillis(), id -> sweep());
    return consumer.completion();
  }

  /** Sends every due row, a batch at a time; one sweep at a time per process. */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    claimAndSend(null).onComplete(sent -> {
      sweeping = false;
      if (sent.succeeded() && sent.result() == BATCH) {
        vertx.runOnContext(v -> sweep());
      }
    });
  }

  /** Claims due rows (or the one row given) and sends them; returns how many were claimed. */
  private Future<Integer> claimAndSend(Long onlyId) {
    if (stopping) {
      // A row left pending is sent by the next process to run (the outbox is in the database).
      return Future.succeededFuture(0);
    }
    Future<Integer> claim = claimThenSend(onlyId);
    claims.add(claim);
    claim.onComplete(done -> claims.remove(claim));
    return claim;
  }

  /** claimAndSend's work, without the tracking. */
  private Future<Integer> claimThenSend(Long onlyId) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(onlyId == null ? BATCH : 1, onlyId))
        .compose(rows -> {
          List<Future<Void>> sends = new ArrayList<>();
          for (Row row : rows) {
            sends.add(send(row));
          }
          return Future.join(sends).map(all -> rows.rowCount());
        })
        .onFailure(err -> LOG.warn("mail outbox claim failed: {}", err.getMessage()))
        .recover(err -> Future.succeededFuture(0));
  }

  private Future<Void> send(Row row) {
    long id = row.getLong("id");
    int attempts = row.getInteger("attempts");
    String body;
    try {
      io.vertx.core.buffer.Buffer sealed = row.getBuffer("sealed_body");
      body = MailOutbox.body(box, row.getString("kind"), row.getString("recipient"), row.getString("body"),
          sealed == null ? null : sealed.getBytes(), row.getString("key_id"));
    } catch (IllegalStateException unopenable) {
      // A key taken out of secrets.keys (or an altered row): no retry can help.
      LOG.warn("mail {} ({}) cannot be opened, giving up: {}", id, row.getString("kind"), unopenable.getMessage());
      return pool.preparedQuery("update mail_outbox set status = 'failed', last_error = $2, claimed_until = null where id = $1")
          .execute(Tuple.of(id, "sealed body does not open: " + unopenable.getMessage())).<Void>mapEmpty()
          .recover(err -> Future.succeededFuture());
    }
    MailMessage message = new MailMessage()
        .setFrom(settings.fromName() + " <" + settings.fromAddress() + ">")
        .setTo(row.getString("recipient"))
        .setSubject(row.getString("subject"))
        .setText(body);
    // Bounded even when the relay stalls mid-dialogue: the attempt then counts as failed and is retried.
    return client.sendMail(message).timeout(settings.sendTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).compose(
        result -> pool.preparedQuery("update mail_outbox set status = 'sent', sent_at = now(), body = '', sealed_body = null, "
                + "claimed_until = null, last_error = null where id = $1").execute(Tuple.of(id))
            .onSuccess(v -> LOG.info("mail {} ({}) delivered after {} attempt(s)", id, row.getString("kind"), attempts))
            .<Void>mapEmpty(),
        err -> {
          boolean giveUp = attempts >= settings.maxAttempts();
          String reason = String.valueOf(err.getMessage());
          LOG.warn("mail {} ({}) attempt {} failed{}: {}", id, row.getString("kind"), attempts,
              giveUp ? ", giving up" : "", reason);
          return pool.preparedQuery("update mail_outbox set status = $2, next_attempt_at = now() + make_interval(secs => $3), "
                  + "last_error = $4, claimed_until = null where id = $1")
              .execute(Tuple.of(id, giveUp ? "failed" : "pending", (double) settings.backoff(attempts).toSeconds(),
                  reason.length() > 500 ? reason.substring(0, 500) : reason))
              .<Void>mapEmpty();
        })
        .recover(err -> {
          LOG.warn("mail {} status update failed: {}", id, err.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<?> stop() {
    // No new claims: the sweep timer fired during a stop and claimed on the pool being closed ("claim
    // failed: Pool closed" at every few test gateways' clean stops).
    stopping = true;
    vertx.cancelTimer(sweepTimer);
    Future<Void> unregister = consumer == null ? Future.succeededFuture() : consumer.unregister();
    // Mails being sent finish before the client and the pool close (each bounded by
    // mail.sendTimeoutSeconds): a mail the relay took is then recorded 'sent', and the next process
    // does not send it again (MailFaultTest#aStoppingGatewayFinishesTheMailItIsSending).
    Future<?> sending = Future.join(new java.util.ArrayList<>(claims));
    return unregister.eventually(() -> sending)
        .eventually(() -> client == null ? Future.succeededFuture() : client.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
