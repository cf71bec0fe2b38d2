package dev.sekisho.bench;

import dev.sekisho.config.ConfigLoader;
import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.db.EmbeddedPostgres;
import dev.sekisho.db.Migrations;
import dev.sekisho.db.Pools;
import dev.sekisho.factor.totp.SecondStepTickets;
import dev.sekisho.launcher.Settings;
import dev.sekisho.net.LocalPorts;
import dev.sekisho.member.PasswordHasher;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code java -jar sekisho-bench.jar} (or {@code java -jar sekisho.jar bench} with that jar beside it): seeds members straight into PostgreSQL, starts one or two
 * gateway processes (or targets running ones), drives each scenario from this process with a
 * closed and an open model, measures the ceilings beside them (pgbench on the OTP check's single-row
 * UPDATE, the Argon2id hash rate, the demo upstream hit directly), prints the figures with
 * their ratios, and fails (exit 1) when any TOTP code was accepted twice.
 */
public final class BenchCommand {
  /** How long the warm-up may go on past --warmup to reach a scenario's minimum number of requests. */
  private static final long MAX_EXTRA_WARMUP_NANOS = 30_000_000_000L;
  /**
   * Sessions prepared for one run of code checks, at most: each one's ticket waits in the gateway's
   * bounded cache (SecondStepTickets), oldest out first, so more would push out the tickets of the
   * checks that come first and those would take the cold path (2 round trips instead of 1).
   */
  static final long SESSIONS_PER_RUN = SecondStepTickets.STANDARD_LIMIT * 9L / 10;
  private final BenchOptions options;
  private final PrintStream out;
  private final ChildProcesses children;
  private final List<GatewayProcess> processes = new ArrayList<>();
  /** The demo portal in its own process (null with --target): the gateways proxy to it, and it is the proxy's ceiling. */
  private GatewayProcess upstreamProcess;
  /** CPU by part per run; told the embedded server's data directory once it runs (a database elsewhere is not split). */
  private CpuSplit cpuSplit = new CpuSplit(this::gatewayCpu, this::gatewayRunQueueWait, this::upstreamCpu, null);
  /** CPU ms per request of the upstream process, per run key (scenario/model). */
  private final Map<String, Double> upstreamCpu = new LinkedHashMap<>();
  private final List<RunResult> results = new ArrayList<>();
  private final Map<String, RunResult> byKey = new LinkedHashMap<>();
  private long liveSessions;

  private BenchCommand(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.children = new ChildProcesses(options, out);
  }

  /** {@code java -jar sekisho-bench.jar [options]}: the same as {@code java -jar sekisho.jar bench [options]}. */
  public static void main(String[] args) {
    String[] withCommand = new String[args.length + 1];
    withCommand[0] = "bench";
    System.arraycopy(args, 0, withCommand, 1, args.length);
    System.exit(run(withCommand, System.out));
  }

  /** Runs the command (args[0] is "bench"); returns the exit status. */
  public static int run(String[] args, PrintStream out) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.println(BenchOptions.usage());
      return 2;
    }
    try {
      return new BenchCommand(options, out).run();
    } catch (ChildProcesses.Exited e) {
      out.println("FAIL: " + e.getMessage() + ". The figures of the run that found it are not the gateway's; nothing after it was measured.");
      return 1;
    } catch (Exception e) {
      out.println("bench failed: " + e);
      e.printStackTrace(out);
      return 1;
    }
  }

  private int run() throws Exception {
    JsonObject config = ConfigLoader.load(System.getenv(), options.dbUrl().isEmpty() ? Map.of() : Map.of("db.url", options.dbUrl()));
    Settings settings = Settings.from(config);
    Path work = Path.of(options.workDir());
    Files.createDirectories(work);
    machine();
    EmbeddedPostgres embedded = null;
    Path pgDir = null;
    Vertx vertx = Vertx.vertx();
    try {
      DatabaseTarget db;
      String dbUrl;
      if (options.dbUrl().isEmpty()) {
        long t0 = System.nanoTime();
        pgDir = Files.createTempDirectory("sekisho-bench-pg");
        embedded = EmbeddedPostgres.start(pgDir, 0, "sekisho");
        cpuSplit = new CpuSplit(this::gatewayCpu, this::gatewayRunQueueWait, this::upstreamCpu, pgDir);
        db = DatabaseTarget.of(embedded);
        dbUrl = "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.database();
        out.printf(Locale.ROOT, "Embedded PostgreSQL on port %d (started in %d ms)%n", db.port(), ms(t0));
      } else {
        db = DatabaseTarget.of(settings.db());
        dbUrl = options.dbUrl();
      }
      Migrations.apply(db);
      SecretBox box = new SecretBox(settings.secrets());
      String hash = new PasswordHasher(vertx, settings.password()).hashNow(BenchMembers.PASSWORD);
      long t0 = System.nanoTime();
      BenchMembers members = Seeder.seed(db, options.members(), hash, settings.onboarding().termsVersion(), box);
      out.printf(Locale.ROOT, "Seeded %d members with TOTP (Argon2id m=%d KiB, t=%d, p=%d) in %d ms%n", members.size(),
          settings.password().memoryKiB(), settings.password().iterations(), settings.password().parallelism(), ms(t0));

      List<URI> targets = new ArrayList<>();
      int upstreamPort = -1;
      if (options.targets().isEmpty()) {
        upstreamPort = LocalPorts.unused();
        upstreamProcess = GatewayProcess.demoUpstream(upstreamPort, children.jvmArgs("upstream", List.of("-Xmx64m", "-XX:+UseSerialGC"), work),
            work.resolve("upstream.log"));
        out.printf(Locale.ROOT, "Demo upstream (pid %d) on port %d, in its own process: start to ready %d ms%n",
            upstreamProcess.pid(), upstreamPort, upstreamProcess.startMillis());
        for (int g = 0; g < options.gateways(); g++) {
          int port = LocalPorts.unused();
          processes.add(children.gateway(g, port, upstreamPort, dbUrl, work));
          targets.add(URI.create("http://" + options.host() + ":" + port));
        }
      } else {
        options.targets().forEach(t -> targets.add(URI.create(t)));
      }
      Context context = vertx.getOrCreateContext();
      List<HttpClient> clients = targets.stream().map(t -> client(vertx, t.getHost(), t.getPort())).toList();
      HttpClient upstream = upstreamPort < 0 ? null : client(vertx, options.host(), upstreamPort);
      Pool pool = Pools.create(vertx, db, 8, 60_000); // a minute, not 5 s: under load the seeding queues for the pool
      BenchContext ctx = new BenchContext(vertx, context, clients, targets.stream().map(URI::getPort).toList(), options.host(),
          upstream, upstreamPort, members, db, box, settings.session().cookieName(), settings.session().idle(),
          settings.session().absolute(), pool);
      LoadDriver driver = new LoadDriver(context);
      ReplayLedger ledger = new ReplayLedger();

      if (options.liveSessions() > 0) {
        long t1 = System.nanoTime();
        int first = members.loginFrom();
        ctx.seedSessions(new int[] {first}, dev.sekisho.session.MemberSession.Level.COMPLETE);
        liveSessions = Seeder.topUpLiveSessions(db, options.liveSessions(), members.ids[first]);
        out.printf(Locale.ROOT, "Live sessions in the database: %d (topped up in %d ms)%n", liveSessions, ms(t1));
      }
      Seeder.checkpoint(db, out);
      out.println();
      Report.header(out);
      Scenarios.Totp totp = new Scenarios.Totp(ctx, ledger, options.coldChecks());
      Scenarios.Login login = new Scenarios.Login(ctx, ledger);
      if (wants("totp")) {
        measure(ctx, driver, totp, true);
        out.println("    a totp-check: passed checks by path " + ctx.checkPaths()
            + " (warm = 1 database round trip, cold = 2; ordinary = refused or not a bearer session)");
        RunResult closed = byKey.get(totp.name() + "/closed");
        if (closed != null) {
          replaysSaid(totp, closed);
        }
        // wrk's passed checks against the bench's passed checks.
        if (targets.size() == 1 && closed != null && closed.okPerSecond() > 0) {
          WrkCheck.run(ctx, totp, targets.get(0), closed.okPerSecond(), options.callers(), options.seconds(), work, out);
        }
      }
      if (wants("email")) {
        measure(ctx, driver, new Scenarios.Email(ctx), true);
      }
      if (wants("login")) {
        measure(ctx, driver, login, false);
      }
      if (wants("proxy")) {
        measure(ctx, driver, Scenarios.proxied(ctx), false);
        if (upstream != null) {
          Scenarios.UpstreamDirect direct = new Scenarios.UpstreamDirect(ctx);
          measure(ctx, driver, direct, false);
          RunResult proxiedClosed = byKey.get("d proxied/closed");
          if (proxiedClosed != null) {
            // The latency the proxy adds, compared at the same request rate: the open runs above
            // run at 0.8 x each one's own maximum, far apart, so their p50s are not comparable.
            double rate = options.rate() > 0 ? options.rate() : Math.max(1, proxiedClosed.throughput() * options.openFraction());
            timed(direct, String.format(Locale.ROOT, "open %.0f/s", rate), "same-rate",
                () -> driver.open(direct, rate, (long) (options.seconds() * 1000)));
          }
        }
      }
      if (wants("forward-auth")) {
        measure(ctx, driver, Scenarios.forwardAuth(ctx), false);
      }
      if (wants("mixed") && wants("totp") && wants("login")) {
        mixed(ctx, driver, totp, login);
      }
      ImportLoad.during(ctx, totp, byKey.get(totp.name() + "/open"), targets.get(0), options, work, out, rate -> timed(totp, "open +import", "import", () -> driver.open(totp, rate, openRunMillis(totp.name() + " +import", rate))));

      // Ceilings last, and the steps restored after: pgbench advances last_step far beyond any real code's step.
      out.println();
      out.println("Ceilings (same machine, same run):");
      DatabaseCeilings.Measured database = DatabaseCeilings.measure(db, members, options, work, out);
      double pgbench = database.updateTps();
      StatementCeiling.Result statement = database.statement();
      Ceilings.Argon2Ceiling ceiling = Ceilings.argon2(settings.password(), options.argon2Seconds());
      double argon2 = ceiling.hashesPerSecond();
      out.printf(Locale.ROOT, "  Argon2id m=%d KiB t=%d p=%d (%s at nice %d, as the gateway): %.1f ms per hash (%.1f ms CPU), "
              + "%d threads at once = %.1f hashes/s%n",
          settings.password().memoryKiB(), settings.password().iterations(), settings.password().parallelism(),
          ceiling.implementation(), settings.password().hashNice(), ceiling.millisPerHash(), ceiling.cpuMillisPerHash(),
          ceiling.threads(), argon2);
      new CeilingRatios(out, byKey, upstreamCpu, results, processes, liveSessions).print(pgbench, argon2, statement);

      pool.close();
      int status = 0;
      out.println();
      out.printf(Locale.ROOT, "Replay check: %d TOTP codes accepted across %d gateway(s), %d accepted twice%n",
          ledger.acceptedCount(), targets.size(), ledger.duplicates());
      if (ledger.duplicates() > 0) {
        out.println("FAIL: a TOTP code was accepted twice");
        status = 1;
      }
      if ((wants("totp") || wants("login")) && ledger.acceptedCount() == 0) {
        out.println("FAIL: no TOTP code was accepted at all: the set-up is broken");
        status = 1;
      }
      long errors = results.stream().mapToLong(RunResult::errors).sum();
      if (errors > 0) {
        out.println("Note: " + errors + " requests ended in errors (see the errors column and bench-work/gateway-*.log)");
      }
      return status;
    } finally {
      processes.forEach(GatewayProcess::close);
      if (upstreamProcess != null) {
        upstreamProcess.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (embedded != null) {
        embedded.close();
        deleteTree(pgDir);
        // The server's lock, log and password files lie beside its data directory: a temporary run leaves none.
        for (String sibling : List.of(".lock", ".log", ".password")) {
          Files.deleteIfExists(Path.of(pgDir + sibling));
        }
      }
    }
  }

  private boolean wants(String scenario) {
    return options.scenarios().contains(scenario);
  }

  private void machine() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    out.printf(Locale.ROOT, "Machine: %d cores, %s %s, Java %s, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
        os.getSystemLoadAverage());
  }

  /**
   * Connections as many as the load needs: a closed run never has more than its callers in flight,
   * but an open run's requests are due whatever is in flight, and the mixed run's logins hold their
   * connections for as long as a hash waits. With the pool at the callers' number (32), open-model
   * checks queued in this client for a connection, behind slow logins or any hiccup, and that wait
   * was counted as the gateway's latency (p99 of seconds in the mixed run). Below the gateway's
   * default http.maxConnectionsPerAddress (256), since all of the bench's load comes from one address.
   */
  private static final int MAX_CONNECTIONS = 200;

  private HttpClient client(Vertx vertx, String host, int port) {
    // Idle connections are closed here before the gateway closes them (http.headerTimeoutSeconds,
    // 20 s): a request sent on a connection the server is closing at that moment ends in an error.
    return vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(true)
        .setKeepAliveTimeout(10).setPipelining(false), new PoolOptions().setHttp1MaxSize(Math.max(MAX_CONNECTIONS, options.callers())).setMaxWaitQueueSize(-1));
  }

  /**
   * An open run of code checks at rate lasts --seconds, or less where that would need more than
   * SESSIONS_PER_RUN sessions (said in the output): the latency at a given rate needs no more.
   */
  private long openRunMillis(String name, double rate) {
    long millis = (long) (options.seconds() * 1000);
    long fits = (long) (SESSIONS_PER_RUN * 1000 / rate);
    if (fits < millis) {
      out.printf(Locale.ROOT, "    %s: the open run at %.0f/s lasts %.1f s, not %.0f: its sessions' tickets fit the gateway's cache of %,d%n",
          name, rate, fits / 1000.0, options.seconds(), SecondStepTickets.STANDARD_LIMIT);
      return fits;
    }
    return millis;
  }

  /** Warm-up, then the closed model (max throughput), then the open model at a fraction of it. */
  private void measure(BenchContext ctx, LoadDriver driver, Scenario scenario, boolean sessionsPerCall) throws Exception {
    long perSecond = options.otpSessionsPerSecond();
    if (options.warmupSeconds() > 0) {
      scenario.prepare(ctx, sessionsPerCall ? (long) (perSecond * options.warmupSeconds()) : 0);
      LoadDriver.Measured warm = await(driver.closed(scenario, options.callers(), (long) (options.warmupSeconds() * 1000)));
      long warmed = warm.requests();
      // Sessions for what the run will use (2 x the warm-up's rate: the run, warmed, goes faster),
      // not a fixed 6,000/s: every prepared session asks for a ticket of the gateway's bounded ticket
      // cache (50,000), and an overflow would push out the tickets of the checks that come first.
      if (warm.seconds() > 0) {
        perSecond = Math.min(perSecond, Math.min((long) (2 * warmed / warm.seconds()) + 100,
            (long) (SESSIONS_PER_RUN / options.seconds())));
      }
      // Then on until the JIT has seen enough requests of a path no other scenario warms (bounded).
      long until = System.nanoTime() + MAX_EXTRA_WARMUP_NANOS;
      while (warmed < scenario.minWarmupRequests() && System.nanoTime() < until) {
        warmed += await(driver.closed(scenario, options.callers(), 1000)).requests();
      }
    }
    scenario.prepare(ctx, sessionsPerCall ? (long) (perSecond * options.seconds()) : 0);
    // Where the code checks wait in PostgreSQL, and the WAL each writes (issue 15, item 2).
    RunResult closed;
    Map<String, double[]> batches0 = sessionsPerCall ? ctx.batchTotals() : null;
    try (DatabaseSampler database = sessionsPerCall ? DatabaseSampler.start(ctx.db, out) : null) {
      closed = timed(scenario, "closed c=" + options.callers(),
          () -> driver.closed(scenario, options.callers(), (long) (options.seconds() * 1000)));
      if (database != null) {
        database.print(out, "the closed run", closed.ok());
      }
    }
    if (batches0 != null) {
      printBatches(batches0, ctx.batchTotals(), closed.seconds());
    }
    Report.ranShort(out, closed, options.seconds());
    double rate = options.rate() > 0 ? options.rate() : Math.max(1, closed.throughput() * options.openFraction());
    long openMillis = sessionsPerCall ? openRunMillis(scenario.name(), rate) : (long) (options.seconds() * 1000);
    scenario.prepare(ctx, sessionsPerCall ? (long) Math.ceil(rate * openMillis / 1000.0) + 1 : 0);
    timed(scenario, String.format(Locale.ROOT, "open %.0f/s", rate), () -> driver.open(scenario, rate, openMillis));
    if (scenario.detail() != null) {
      out.println("    " + scenario.name() + ": " + scenario.detail());
    }
    Double upClosed = upstreamCpu.get(scenario.name() + "/closed");
    Double upOpen = upstreamCpu.get(scenario.name() + "/open");
    if (upClosed != null && (scenario.usesUpstream() || !scenario.throughGateway())) {
      out.printf(Locale.ROOT, "    %s: upstream process CPU %.3f ms/req closed, %.3f ms/req open%n", scenario.name(),
          upClosed, upOpen == null ? Double.NaN : upOpen);
    }
  }

  /**
   * How group commit shaped the closed run: per statement, the checks each decided on average and
   * the statements (commits) per second. Small batches at a high rate mean the checks arrive spread
   * out; batches near the callers' number mean every caller waits on the one statement in flight.
   */
  private void printBatches(Map<String, double[]> before, Map<String, double[]> after, double seconds) {
    StringBuilder line = new StringBuilder();
    after.forEach((statement, totals) -> {
      double[] was = before.getOrDefault(statement, new double[2]);
      double statements = totals[0] - was[0];
      if (statements > 0) {
        line.append(line.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.1f checks per statement, %.0f statements/s",
            statement, (totals[1] - was[1]) / statements, statements / seconds));
      }
    });
    if (line.length() > 0) {
      out.println("    group commit during the closed run: " + line);
    }
  }

  /** OTP checks at their open rate while password logins run flat out: hashing must not slow the checks. */
  private void mixed(BenchContext ctx, LoadDriver driver, Scenarios.Totp totp, Scenarios.Login login) throws Exception {
    RunResult alone = byKey.get(totp.name() + "/open");
    if (alone == null) {
      return;
    }
    double rate = alone.requests() / alone.seconds();
    long openMillis = openRunMillis(totp.name() + " +logins", rate);
    totp.prepare(ctx, (long) Math.ceil(rate * openMillis / 1000.0) + 1);
    long cpu0 = gatewayCpu();
    long[] kernel0 = processes.isEmpty() ? null : processes.get(0).faultsAndSystemMillis();
    long t0 = System.nanoTime();
    GeneratorStalls stalls = GeneratorStalls.now();
    CpuSplit.Snapshot split0 = cpuSplit.take();
    requireChildrenRunning();
    Future<LoadDriver.Measured> logins = driver.closed(login, options.callers(), (long) (options.seconds() * 1000));
    LoadDriver.Measured checks = await(driver.open(totp, rate, openMillis));
    LoadDriver.Measured logged = await(logins);
    CpuSplit.Snapshot split1 = cpuSplit.take();
    long cpu = gatewayCpu() - cpu0;
    long rss = gatewayRss();
    double cpuPerRequest = processes.isEmpty() ? Double.NaN : (double) cpu / (checks.requests() + logged.requests());
    record(new RunResult(totp.name() + " +logins", String.format(Locale.ROOT, "open %.0f/s", rate), checks.requests(),
        checks.ok(), checks.refused(), checks.errors(), checks.seconds(), checks.latency(), cpuPerRequest, rss), "mixed-totp");
    record(new RunResult(login.name() + " +checks", "closed c=" + options.callers(), logged.requests(), logged.ok(),
        logged.refused(), logged.errors(), logged.seconds(), logged.latency(), cpuPerRequest, rss), "mixed-login");
    requireChildrenRunning();
    double took = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "    mixed run took %.1f s%n", took);
    // Where the cores went while hashing competed with the checks (checks and logins together).
    cpuSplit.print(out, split0, split1, checks.requests() + logged.requests());
    stalls.print(out, checks);
    if (kernel0 != null) {
      // Hashing that maps memory per hash shows here: page faults, and CPU time in the kernel.
      long[] kernel = processes.get(0).faultsAndSystemMillis();
      out.printf(Locale.ROOT, "    gateway 0 in the mixed run: %.0f minor page faults/s, %.0f %% of its CPU time in the kernel%n",
          (kernel[0] - kernel0[0]) / took, 100.0 * (kernel[1] - kernel0[1]) / Math.max(1, cpu));
    }
  }

  private interface Run {
    Future<LoadDriver.Measured> start();
  }

  private RunResult timed(Scenario scenario, String model, Run run) throws Exception {
    return timed(scenario, model, model.startsWith("open") ? "open" : "closed", run);
  }

  private RunResult timed(Scenario scenario, String model, String kind, Run run) throws Exception {
    requireChildrenRunning();
    CpuSplit.Snapshot split0 = cpuSplit.take();
    long cpu0 = scenario.throughGateway() ? gatewayCpu() : 0;
    long upstreamCpu0 = upstreamProcess == null ? 0 : upstreamProcess.cpuMillis();
    GeneratorStalls stalls = GeneratorStalls.now();
    LoadDriver.Measured m = await(run.start());
    long cpu = scenario.throughGateway() ? gatewayCpu() - cpu0 : 0;
    if (upstreamProcess != null && m.requests() > 0) {
      upstreamCpu.put(scenario.name() + "/" + kind,
          (double) (upstreamProcess.cpuMillis() - upstreamCpu0) / m.requests());
    }
    double cpuPerRequest = !scenario.throughGateway() || processes.isEmpty() || m.requests() == 0 ? Double.NaN
        : (double) cpu / m.requests();
    RunResult r = new RunResult(scenario.name(), model, m.requests(), m.ok(), m.refused(), m.errors(), m.seconds(),
        m.latency(), cpuPerRequest, scenario.throughGateway() ? gatewayRss() : -1);
    record(r, scenario.name() + "/" + kind);
    requireChildrenRunning();
    cpuSplit.print(out, split0, cpuSplit.take(), m.requests());
    stalls.print(out, m);
    return r;
  }

  /**
   * Says why a TOTP run had refusals: members come round robin, and a member passes one code per 30 s
   * step, so a run faster than the members allow sends replays (refused by design, and counted
   * nowhere in the ratios); more members give the run only passes.
   */
  private void replaysSaid(Scenarios.Totp totp, RunResult closed) {
    if (closed.refused() > 0) {
      out.printf(Locale.ROOT, "    %s: %d of %d checks in the closed run were refused: %,d members with TOTP pass at most %,.0f codes/s "
              + "(one each per 30 s step), so members came round again within a step; the ratios count passed checks only. "
              + "A run of N checks/s needs about N x 30 members with TOTP (the README's command seeds 200,000 members)%n",
          totp.name(), closed.refused(), closed.requests(), totp.members(), totp.members() / 30.0);
    }
  }

  /** Before and after every run: each gateway and the demo upstream still running (ChildProcesses.Exited). */
  private void requireChildrenRunning() {
    for (int g = 0; g < processes.size(); g++) {
      ChildProcesses.requireRunning("gateway " + g, processes.get(g));
    }
    ChildProcesses.requireRunning("the demo upstream", upstreamProcess);
  }

  private void record(RunResult r, String key) {
    results.add(r);
    byKey.put(key, r);
    Report.line(out, r);
  }

  private long gatewayCpu() {
    return processes.stream().mapToLong(GatewayProcess::cpuMillis).sum();
  }

  private long gatewayRunQueueWait() {
    return processes.stream().mapToLong(p -> RunQueue.waitNanos(p.pid())).sum();
  }

  private long upstreamCpu() {
    return upstreamProcess == null ? 0 : upstreamProcess.cpuMillis();
  }

  private long gatewayRss() {
    return processes.isEmpty() ? -1 : processes.stream().mapToLong(GatewayProcess::rssBytes).sum();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
