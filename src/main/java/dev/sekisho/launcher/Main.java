package dev.sekisho.launcher;

import dev.sekisho.config.ConfigException;
import dev.sekisho.config.ConfigLoader;
import dev.sekisho.config.ConfigReader;
import dev.sekisho.config.RunMode;
import dev.sekisho.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The jar's entry point. With no arguments (or "run") it is the development run; "start" runs it in
 * production (see {@link RunMode}); "import-members FILE"
 * loads the insurer's member file; "help" lists the commands.
 */
public final class Main {
  /** Beyond the HTTP grace period: time to stop background verticles and the embedded database. */
  private static final long STOP_MARGIN_SECONDS = 60;
  private static final AtomicBoolean STOPPING = new AtomicBoolean();

  private Main() {}

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    String command = args.length == 0 ? "run" : args[0];
    try {
      switch (command) {
        case "run" -> run(RunMode.DEVELOPMENT);
        case "start" -> run(RunMode.PRODUCTION);
        case "import-members" -> System.exit(ImportCommand.run(args));
        case "staff" -> System.exit(StaffCommand.run(args, config(), System.out, System.err));
        case "bench" -> System.exit(BenchLauncher.run(args, System.out));
        case "demo-upstream" -> DemoUpstreamCommand.run();
        case "help", "--help", "-h" -> usage(0);
        default -> usage(2);
      }
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  private static void usage(int status) {
    System.out.println("""
        Usage: java -jar sekisho.jar [command]
          run                      the development run (the default): embedded database, mail catcher
                                   and dev mailbox, demo portal and member, on loopback
          start                    production: refuses to start while any development part is on,
                                   naming each key to set (see README, Production)
          import-members FILE.csv  load members from a UTF-8 CSV file (columns: user_id, symbol,
                                   number, birthdate, name, email, optional password)
          staff add ID --role R    a staff account (R: admin, operator, helpdesk or auditor; optional
                                   --name NAME); prints its one-time set-up link for the console
          demo-upstream            the demo portal alone, on loopback at gateway.demoUpstream.port
                                   (for gateway.upstreams; the bench runs it so)
          bench [options]          the load generator (sekisho-bench.jar, carried inside this jar and
                                   built beside it by mvn package); its options: bench --help
          help                     this text
        Configuration: conf/config.json, each key overridable by an environment variable (see README).""");
    System.exit(status);
  }

  static JsonObject config() {
    return ConfigLoader.load(System.getenv(), Map.of());
  }

  private static void run(RunMode mode) {
    JsonObject config = config();
    Settings settings = Settings.from(config, mode);
    DevelopmentParts.check(settings);
    applyLogLevel(new ConfigReader(config));
    Logger log = LoggerFactory.getLogger(Main.class);
    Vertx vertx = Metrics.vertx(settings.metrics());
    MainVerticle main = new MainVerticle(settings);
    vertx.deployVerticle(main).onFailure(err -> {
      log.error("Start-up failed: {}", err.getMessage(), err.getCause() == null ? null : err);
      System.err.println("Sekisho could not start: " + err.getMessage());
      vertx.close().onComplete(done -> System.exit(1));
    });
    long stopTimeout = settings.web().shutdownGraceSeconds() + STOP_MARGIN_SECONDS;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, log, stopTimeout), "sekisho-shutdown"));
    // SIGTERM is how orchestrators ask for a stop: drain, stop the database, and exit 0 so that the
    // stop counts as clean (the JVM's own SIGTERM exit status is 143). Other exits go through the hook.
    try {
      Signal.handle(new Signal("TERM"), signal -> new Thread(() -> {
        boolean clean = stop(vertx, log, stopTimeout);
        System.exit(clean ? 0 : 1);
      }, "sekisho-sigterm").start());
    } catch (IllegalArgumentException e) {
      log.debug("no SIGTERM handler on this platform; the shutdown hook stops the gateway");
    }
  }

  static void applyLogLevel(ConfigReader config) {
    String level = config.requiredString("log.level").toUpperCase();
    if (!level.matches("TRACE|DEBUG|INFO|WARN|ERROR")) {
      throw config.error("log.level", "must be one of TRACE, DEBUG, INFO, WARN, ERROR", level);
    }
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.toLevel(level));
    try {
      dev.sekisho.logging.LogFormat.parse(config.requiredString("log.format")).apply();
    } catch (IllegalArgumentException e) {
      throw config.error("log.format", e.getMessage(), config.string("log.format"));
    }
  }

  /**
   * On SIGTERM (or any JVM exit): drain HTTP for up to http.shutdownGraceSeconds, then stop the
   * background verticles and the embedded database. Runs once; returns whether it finished in time.
   */
  private static boolean stop(Vertx vertx, Logger log, long timeoutSeconds) {
    if (!STOPPING.compareAndSet(false, true)) {
      return true;
    }
    log.info("Stopping: draining in-flight requests");
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.close().onComplete(done -> stopped.countDown());
    try {
      if (!stopped.await(timeoutSeconds, TimeUnit.SECONDS)) {
        log.warn("Stop did not finish within {} s", timeoutSeconds);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    log.info("Stopped cleanly");
    return true;
  }
}
