package dev.sekisho.bench;

import dev.sekisho.crypto.SecretBox;
import dev.sekisho.db.DatabaseTarget;
import dev.sekisho.session.MemberSession;
import dev.sekisho.session.SignInClient;
import dev.sekisho.session.SignInProgress;
import dev.sekisho.session.PgSessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.ext.web.Session;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What scenarios share: the load generator's Vert.x (one event loop), an HTTP client per gateway,
 * the seeded members, and the database for seeding sessions the way the gateway stores them.
 */
final class BenchContext {
  final Vertx vertx;
  final Context context;
  final List<HttpClient> gateways;
  final List<Integer> gatewayPorts;
  final String host;
  final HttpClient upstream;
  final int upstreamPort;
  final BenchMembers members;
  final DatabaseTarget db;
  final SecretBox box;
  final String cookieName;
  final Pool pool;
  private final PgSessionStore store;
  private final long idleMillis;

  BenchContext(Vertx vertx, Context context, List<HttpClient> gateways, List<Integer> gatewayPorts, String host,
               HttpClient upstream, int upstreamPort, BenchMembers members, DatabaseTarget db, SecretBox box,
               String cookieName, Duration idle, Duration absolute, Pool pool) {
    this.vertx = vertx;
    this.context = context;
    this.gateways = gateways;
    this.gatewayPorts = gatewayPorts;
    this.host = host;
    this.upstream = upstream;
    this.upstreamPort = upstreamPort;
    this.members = members;
    this.db = db;
    this.box = box;
    this.cookieName = cookieName;
    this.pool = pool;
    this.store = new PgSessionStore(vertx, pool, absolute);
    this.idleMillis = idle.toMillis();
  }

  HttpClient gateway(long i) {
    return gateways.get((int) Math.floorMod(i, gateways.size()));
  }

  /**
   * Runs one call per item, a bounded number at a time, on the load generator's event loop, and
   * waits for all of them (from the bench's main thread).
   */
  <T> void callAll(List<T> items, java.util.function.BiFunction<Integer, T, Future<?>> call) throws Exception {
    int inFlight = 64;
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (running.get() < inFlight && next.get() < items.size()) {
        int i = next.getAndIncrement();
        running.incrementAndGet();
        call.apply(i, items.get(i)).onComplete(r -> {
          running.decrementAndGet();
          if (next.get() >= items.size() && running.get() == 0) {
            done.tryComplete();
          } else {
            pump[0].run();
          }
        });
      }
      if (items.isEmpty()) {
        done.tryComplete();
      }
    };
    context.runOnContext(v -> pump[0].run());
    done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  /** The gateways' counts of the JSON API's TOTP checks by path (warm = 1 round trip, cold = 2, ordinary). */
  java.util.Map<String, Double> checkPaths() throws Exception {
    java.util.Map<String, Double> paths = new java.util.TreeMap<>();
    metricLines("sekisho_otp_api_check_path_total{").forEach(l ->
        paths.merge(label(l, "path"), value(l), Double::sum));
    return paths;
  }

  /**
   * Group commit's statements so far, summed over the gateways: per statement name, {statements,
   * checks} (the gateway's sekisho_otp_check_batch_size count and sum).
   */
  java.util.Map<String, double[]> batchTotals() throws Exception {
    java.util.Map<String, double[]> totals = new java.util.TreeMap<>();
    metricLines("sekisho_otp_check_batch_size_").forEach(l -> {
      int column = l.startsWith("sekisho_otp_check_batch_size_count{") ? 0 : l.startsWith("sekisho_otp_check_batch_size_sum{") ? 1 : -1;
      if (column >= 0) {
        totals.computeIfAbsent(label(l, "statement"), k -> new double[2])[column] += value(l);
      }
    });
    return totals;
  }

  /** The lines of every gateway's /metrics that start with prefix (Prometheus text: name{labels} value). */
  private List<String> metricLines(String prefix) throws Exception {
    List<String> lines = new ArrayList<>();
    for (HttpClient gateway : gateways) {
      Http.Answer scrape = Http.get(gateway, "/metrics", null).toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
      scrape.body().toString().lines().filter(l -> l.startsWith(prefix)).forEach(lines::add);
    }
    return lines;
  }

  private static String label(String line, String name) {
    return line.replaceAll(".*" + name + "=\"([a-z-]+)\".*", "$1");
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  /**
   * Stores sessions as the gateway's login would leave them (through the gateway's own session
   * store), one per given member index, and returns their ids (the bearer tokens / cookie values).
   * PASSWORD sessions are marked ready for the second step, as the API login marks them.
   */
  private static final int SEED_BATCH = 1000;

  List<String> seedSessions(int[] memberIndexes, MemberSession.Level level) throws Exception {
    List<Future<String>> puts = new ArrayList<>(memberIndexes.length);
    List<String> ids = new ArrayList<>(memberIndexes.length);
    for (int i = 0; i < memberIndexes.length; i++) {
      int index = memberIndexes[i];
      if (i > 0 && i % SEED_BATCH == 0) {
        // In batches: the pool queues a bounded number of statements.
        Future.all(puts).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
      }
      Session session = store.createSession(idleMillis, 32);
      MemberSession.signIn(session, members.ids[index], BenchMembers.loginId(index), level,
          new SignInClient("127.0.0.1", "sekisho-bench"));
      if (level == MemberSession.Level.PASSWORD) {
        SignInProgress.of(session).markSecondStepReady();
      } else {
        MemberSession.setMethod(session, "totp");
      }
      ids.add(session.id());
      puts.add(store.put(session).map(v -> session.id()));
    }
    Future.all(puts).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    return ids;
  }
}
