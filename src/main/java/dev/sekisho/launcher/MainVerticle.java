package dev.sekisho.launcher;

import dev.sekisho.factor.totp.OtpCaches;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.DatabaseWait;
import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.db.Migrations;
import dev.sekisho.db.Pools;
import dev.sekisho.mail.MailCatcher;
import dev.sekisho.mail.MailDeliveryVerticle;
import dev.sekisho.factor.email.OtpCodeMail;
import dev.sekisho.mail.MailTemplates;
import dev.sekisho.metrics.Metrics;
import dev.sekisho.metrics.OutboxDepthGauge;
import dev.sekisho.ops.ManagementVerticle;
import dev.sekisho.web.ServingListeners;
import dev.sekisho.gateway.DemoUpstream;
import dev.sekisho.member.IssuedPasswordRule;
import dev.sekisho.config.ConfigReader;
import dev.sekisho.imports.ImportJobRunner;
import dev.sekisho.imports.ImportSettings;
import dev.sekisho.member.MemberImporter;
import dev.sekisho.member.MemberRepository;
import dev.sekisho.member.PasswordHasher;
import dev.sekisho.onboarding.ConfirmationSignals;
import dev.sekisho.onboarding.OnboardingTexts;
import dev.sekisho.session.SessionSweeper;
import dev.sekisho.web.I18n;
import dev.sekisho.web.Templates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Map;

/**
 * Deploys the chain of DESIGN.md in order: configuration (already validated), the database
 * (embedded or external), migrations, then the HTTP verticle once per core and the background
 * verticles. Nothing serves HTTP until the database is ready. Undeploying it stops the embedded
 * database after the HTTP verticles have drained.
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);
  static final List<String> TEMPLATES = List.of("login", "logout", "home", "error",
      "onboarding-birthdate", "onboarding-terms", "onboarding-email", "onboarding-wait", "onboarding-confirm",
      "onboarding-method", "onboarding-password", "onboarding-complete", "onboarding-bye",
      "dev-mailbox", "passkey-setup", "passkey-verify", "passkey-manage", "passkey-login",
      "otp-setup-totp", "otp-email", "otp-code", "otp-choose", "otp-recovery", "otp-recovery-codes", "otp-account", "otp-prove-password",
      "account", "account-password", "account-email", "account-email-confirm",
      "staff-login", "staff-setup", "console-members", "console-member", "console-shown", "console-staff",
      "console-audit", "console-locks", "console-mail", "console-tokens", "console-passkeys", "staff-passkey",
      "console-imports", "console-import");
  static final List<String> LANGUAGES = List.of("ja", "en");
  /** Message files webroot/i18n/BUNDLE.LANG.json, one per capability, merged into one tree per language. */
  static final List<String> MESSAGE_BUNDLES = List.of("core", "onboarding", "passkey", "otp", "gateway", "staff",
      "selfservice", "imports");
  /** Mail texts webroot/mail/NAME.LANG.txt, loaded at start-up. */
  static final List<String> MAIL_TEMPLATES = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("email-confirm", OtpCodeMail.TEMPLATE, "email-change"),
      dev.sekisho.notify.SecurityNotices.templateNames().stream()).toList();

  private final Settings settings;
  private final long startedAt = System.nanoTime();
  private EmbeddedPostgres embedded;
  private MailCatcher mailCatcher;
  private Infrastructure infra;
  private DemoUpstream demoUpstream;
  private ManagementVerticle management;
  private String httpDeployment;
  /** Deployment ids of the verticles started so far, undeployed again when start-up fails. */
  private final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  public MainVerticle(Settings settings) {
    this.settings = settings;
  }

  public Infrastructure infrastructure() {
    return infra;
  }

  @Override
  public Future<?> start() {
    // Main checks this before Vert.x starts; here too, so that no way of deploying the gateway
    // serves the dev mailbox or the demo parts off loopback, or production with them.
    try {
      DevelopmentParts.check(settings);
    } catch (dev.sekisho.config.ConfigException e) {
      return Future.failedFuture(e);
    }
    return startDemoUpstream()
        .compose(demoPort -> vertx.executeBlocking(() -> prepare(demoPort)))
        .compose(ready -> {
          infra = ready;
          return ensureDemoMember();
        })
        // The verticles do not depend on one another: deployed side by side, each awaited (join),
        // so that after a failure the ones that started can be undeployed before the database stops.
        .compose(demo -> Future.join(List.of(
                track(vertx.deployVerticle(() -> new HttpVerticle(infra), new DeploymentOptions().setInstances(settings.web().instances())))
                    .onSuccess(id -> httpDeployment = id),
                track(vertx.deployVerticle(new SessionSweeper(infra.database()))),
                track(vertx.deployVerticle(new ConfirmationSignals(infra.database()))),
                track(vertx.deployVerticle(new ImportJobRunner(infra.database(),
                    ImportSettings.from(new ConfigReader(settings.json())), infra.hasher(),
                    new IssuedPasswordRule(settings.password().issuedRule()), infra.secrets()))),
                track(vertx.deployVerticle(new MailDeliveryVerticle(infra.database(), settings.mail(), infra.smtpPort(), infra.secrets()))),
                deployOutboxGauge(), deployManagement()))
            .onSuccess(all -> banner(demo)))
        // Vert.x does not call stop() after a failed start: undeploy what started (its database
        // connections would otherwise be cut by the database's stop, with a stray error line), then
        // stop the database we may have started, before reporting the failure.
        .recover(err -> undeployStarted().transform(undeployed -> stop()).transform(stopped -> Future.failedFuture(err)));
  }

  private Future<String> track(Future<String> deployment) {
    return deployment.onSuccess(started::add);
  }

  private Future<?> undeployStarted() {
    return Future.join(started.stream().map(id -> vertx.undeploy(id)).toList());
  }

  /** The management listener: health, readiness and metrics on their own address. */
  private Future<?> deployManagement() {
    management = new ManagementVerticle(settings.management(), settings.metrics(), infra.database(),
        settings.db().timeoutMs(), infra.embeddedPidFile(), infra.listeners());
    return track(vertx.deployVerticle(management));
  }

  /** The deployment of the public listeners (the HTTP verticles). */
  public String httpDeployment() {
    return httpDeployment;
  }

  /** The management listener's port (the chosen one when management.port is 0). */
  public int managementPort() {
    return management.actualPort();
  }

  /** The outbox depth gauge, when metrics are on and this Vert.x has a registry. */
  private Future<?> deployOutboxGauge() {
    var registry = settings.metrics().enabled() ? Metrics.registry(vertx) : null;
    return registry == null ? Future.succeededFuture()
        : track(vertx.deployVerticle(new OutboxDepthGauge(infra.database(), registry, settings.metrics().refresh())));
  }

  /** The stand-in for the legacy portal, when enabled: its port, or null. */
  private Future<Integer> startDemoUpstream() {
    if (!settings.gateway().demoEnabled()) {
      return Future.succeededFuture(null);
    }
    demoUpstream = new DemoUpstream(settings.gateway().demoPort(), settings.gateway().headers());
    return vertx.deployVerticle(demoUpstream).map(id -> demoUpstream.actualPort());
  }

  /**
   * Blocking start-up work, on a worker thread. The independent parts (database and migrations,
   * template compilation, message and text loading, the password hasher) run side by side:
   * start-up to ready is one of the targets, and they are CPU-bound on different cores.
   */
  private Infrastructure prepare(Integer demoPort) throws Exception {
    ExecutorService parallel = Executors.newFixedThreadPool(3, runnable -> {
      Thread thread = new Thread(runnable, "sekisho-start");
      thread.setDaemon(true);
      return thread;
    });
    try {
      java.util.concurrent.Future<DatabaseTarget> database = parallel.submit(this::database);
      java.util.concurrent.Future<Templates> templates = parallel.submit(() -> Templates.load(Path.of("webroot", "templates"), TEMPLATES));
      java.util.concurrent.Future<I18n> i18n = parallel.submit(() -> new I18n(loadMessages()));
      java.util.concurrent.Future<MailTemplates> mailTemplates = parallel.submit(() -> MailTemplates.load(MAIL_TEMPLATES, LANGUAGES));
      java.util.concurrent.Future<OnboardingTexts> texts = parallel.submit(
          () -> OnboardingTexts.load(settings.onboarding().termsVersion(), LANGUAGES));
      String adminToken = adminToken();
      if (settings.mail().embedded()) {
        mailCatcher = MailCatcher.start(settings.mail().port());
      }
      SecretBox box = secretBox();
      // On this thread, not the start-up pool: the hasher's worker pool is then tied to this
      // verticle's context and closes after the HTTP verticles have drained their requests.
      PasswordHasher hasher = new PasswordHasher(vertx, settings.password());
      return new Infrastructure(settings, done(database), hasher, done(templates), done(i18n), adminToken,
          done(mailTemplates), mailCatcher, done(texts), box, settings.gateway().effectiveUpstreams(demoPort), OtpCaches.create(),
          embedded == null ? null : embedded.pidFile(), new ServingListeners());
    } finally {
      parallel.shutdownNow();
    }
  }

  private DatabaseTarget database() throws IOException {
    DatabaseTarget database;
    if (settings.db().embedded()) {
      embedded = EmbeddedPostgres.start(settings.db().embeddedDataDir(), settings.db().embeddedPort(),
          settings.db().database());
      database = DatabaseTarget.of(embedded);
    } else {
      database = DatabaseTarget.of(settings.db());
      DatabaseWait.untilReachable(database, java.time.Duration.ofSeconds(settings.db().startupWaitSeconds()));
    }
    int applied = Migrations.apply(database);
    LOG.info("database {} ready ({} migrations applied)", database, applied);
    return database;
  }

  /** The result of a start-up part, its own exception rethrown as it was (the messages name what failed). */
  private static <T> T done(java.util.concurrent.Future<T> part) throws Exception {
    try {
      return part.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * The configured admin token; without one, a token generated for this run only in the development
   * run (embedded database and embedded mail catcher: nothing real behind it), else none: the admin
   * API is then off, as SECURITY.md promises.
   */
  private String adminToken() {
    if (!settings.adminToken().isEmpty()) {
      return settings.adminToken();
    }
    if (developmentRun()) {
      return randomToken();
    }
    LOG.warn("admin.token is not set: the admin API is off (every call answers 404 admin_api_off); "
        + "set SEKISHO_ADMIN_TOKEN to turn it on");
    return "";
  }

  /** The development run (not `start`) with nothing real behind it: the only place a token is generated. */
  private boolean developmentRun() {
    return !settings.mode().production() && settings.db().embedded() && settings.mail().embedded();
  }

  private SecretBox secretBox() {
    SecretBox box = new SecretBox(settings.secrets());
    if (box.usesDevKey()) {
      LOG.warn("secrets.keys is not set: OTP secrets are encrypted with a built-in development key. "
          + "Set SEKISHO_SECRETS_KEYS (id=base64 AES key) and SEKISHO_SECRETS_ACTIVE_KEY_ID before real use.");
    }
    return box;
  }

  private Future<DemoMember.Status> ensureDemoMember() {
    Pool pool = Pools.create(vertx, infra.database(), 1);
    MemberRepository members = new MemberRepository(pool);
    IssuedPasswordRule rule = new IssuedPasswordRule(settings.password().issuedRule());
    MemberImporter importer = new MemberImporter(vertx, members, infra.hasher(), rule);
    return DemoMember.ensure(settings.demo(), members, importer, infra.hasher(), rule).eventually(pool::close);
  }

  private void banner(DemoMember.Status demo) {
    long ms = (System.nanoTime() - startedAt) / 1_000_000;
    // Links use the public origin: the one passkeys and mail links work on (webauthn.rpId), not http.host.
    String origin = settings.web().publicOrigin();
    String listening = (settings.web().tls() ? "https://" : "http://") + settings.web().host() + ":" + settings.web().port();
    StringBuilder text = new StringBuilder()
        .append("\n  Sekisho is ready on ").append(origin).append(" (listening on ").append(listening)
        .append(", ").append(settings.mode().production() ? "production" : "development run")
        .append(", started in ").append(ms).append(" ms)\n")
        .append("  Member login:  ").append(origin).append("/sekisho/login\n");
    for (var upstream : infra.upstreams()) {
      text.append("  Portal:        ").append(upstream.prefix()).append(" -> ").append(upstream.url())
          .append(demoUpstream != null && settings.gateway().upstreams().isEmpty() ? " (demo upstream)" : "").append('\n');
    }
    if (demo.issuedPasswordWorks()) {
      text.append("  Demo member:   user ID '").append(settings.demo().userId()).append("', password '")
          .append(settings.demo().issuedPassword(new IssuedPasswordRule(settings.password().issuedRule())))
          .append("' (symbol+number+birthdate").append(demo.created() ? ", created now" : "").append(")\n");
    } else if (settings.demo().enabled()) {
      text.append("  Demo member:   user ID '").append(settings.demo().userId()).append("' (its own password now)\n");
    }
    if (settings.management().port() != 0) {
      text.append("  Operations:    http://").append(settings.management().host()).append(':')
          .append(settings.management().port()).append("/health, /ready, /metrics (management listener)\n");
    }
    if (infra.mailCatcher() != null) {
      text.append("  Dev mailbox:   ").append(origin).append("/sekisho/dev/mailbox")
          .append("  (mail.mode=embedded: every mail is caught here, SMTP on 127.0.0.1:")
          .append(infra.mailCatcher().port()).append(")\n");
    }
    if (settings.adminToken().isEmpty() && !infra.adminToken().isEmpty()) {
      text.append("  Admin token:   ").append(infra.adminToken())
          .append("  (generated for this development run; set SEKISHO_ADMIN_TOKEN to fix one)\n");
    } else if (infra.adminToken().isEmpty()) {
      text.append("  Admin API:     off (no admin.token; set SEKISHO_ADMIN_TOKEN to turn it on)\n");
    }
    LOG.info(text.toString());
  }

  @Override
  public Future<?> stop() {
    if (embedded == null && mailCatcher == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      if (mailCatcher != null) {
        mailCatcher.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      return null;
    });
  }

  private static Map<String, JsonObject> loadMessages() throws IOException {
    Map<String, JsonObject> messages = new HashMap<>();
    for (String lang : LANGUAGES) {
      JsonObject merged = new JsonObject();
      for (String bundle : MESSAGE_BUNDLES) {
        merged.mergeIn(new JsonObject(readWebroot("webroot/i18n/" + bundle + "." + lang + ".json")), true);
      }
      messages.put(lang, merged);
    }
    return messages;
  }

  /** A file from ./webroot if present, else from the jar. */
  static String readWebroot(String path) throws IOException {
    Path local = Path.of(path);
    if (Files.isRegularFile(local)) {
      return Files.readString(local, StandardCharsets.UTF_8);
    }
    try (InputStream in = MainVerticle.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
