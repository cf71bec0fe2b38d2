package dev.sekisho.bench;

import dev.sekisho.factor.otpapi.OtpApiRoutes;
import dev.sekisho.gateway.ForwardAuthRoutes;
import dev.sekisho.session.MemberSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** The scenarios of issue 7: (a) TOTP check, (b) email-code check, (c) full login, (d) proxied request, (e) forward-auth. */
final class Scenarios {
  private Scenarios() {}

  /**
   * (a) TOTP check through the JSON API on an established session: each call uses a session left
   * at the second step (seeded through the gateway's session store) and the member's code for the
   * current time step. Members are taken round robin, so when the run is faster than members/30 s
   * a member comes round again within one step: that second code is a replay, sent to the other
   * gateway when there are two, and must be refused. Accepted codes go to the ledger.
   */
  static final class Totp implements Scenario {
    private final BenchContext ctx;
    private final ReplayLedger ledger;
    private final int from;
    private final int count;
    private List<String> tokens = List.of();
    /** Calls of earlier runs: each run continues the round robin where the last one stopped. */
    private long base;
    /** Calls made in the current run. */
    private long used;
    long accepted;
    long replays;
    long locked;

    private final boolean cold;

    Totp(BenchContext ctx, ReplayLedger ledger, boolean cold) {
      this.cold = cold;
      this.ctx = ctx;
      this.ledger = ledger;
      this.from = ctx.members.totpFrom();
      this.count = ctx.members.totpTo() - from;
    }

    @Override
    public String name() {
      return "a totp-check";
    }

    /** Members this scenario checks codes of (the TOTP range of the seeded members). */
    int members() {
      return count;
    }

    @Override
    public void prepare(BenchContext context, long expectedCalls) throws Exception {
      // Continue after the last member used: members seen within this time step would be replays.
      base += used;
      used = 0;
      int[] indexes = new int[(int) expectedCalls];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = from + (int) ((base + i) % count);
      }
      tokens = ctx.seedSessions(indexes, MemberSession.Level.PASSWORD);
      // As a client does between login and check: it asks which methods the member has, on the
      // gateway the check goes to. Unmeasured; it is what lets the check be one statement.
      if (!cold) {
        ctx.callAll(tokens, (i, token) -> Http.getBearer(ctx.gateway((base + i) / count), OtpApiRoutes.METHODS, token));
      }
    }

    @Override
    public boolean exhausted(long i) {
      return i >= tokens.size();
    }

    /**
     * The prepared checks for an outside load generator ({@link WrkCheck}): per line the bearer token
     * and the member's code of the given step; they count as used, so the next run continues after them.
     */
    List<String> requestLines(long step) {
      List<String> lines = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        lines.add(tokens.get(i) + "\t" + ctx.members.totp(from + (int) ((base + i) % count), step));
      }
      used = tokens.size();
      return lines;
    }

    @Override
    public Future<Outcome> call(long i) {
      used = Math.max(used, i + 1);
      long n = base + i;
      int member = from + (int) (n % count);
      long step = BenchMembers.stepNow();
      JsonObject body = new JsonObject().put("code", ctx.members.totp(member, step)).put("method", "totp");
      // Round r of the members goes to gateway r mod G: a replay within a step crosses processes.
      return Http.postJson(ctx.gateway(n / count), OtpApiRoutes.VERIFY, tokens.get((int) i), body).map(answer -> {
        if (answer.status() == 200) {
          ledger.accepted(member, step);
          accepted++;
          return Outcome.OK;
        }
        if (answer.status() == 401 && "invalid".equals(errorCode(answer))) {
          replays++;
          return Outcome.REFUSED;
        }
        if (answer.status() == 429) {
          locked++;
          return Outcome.REFUSED;
        }
        return Outcome.ERROR;
      });
    }

    @Override
    public String detail() {
      return "accepted " + accepted + ", replays refused " + replays + ", locked " + locked;
    }
  }

  /** (b) Email-code check: each member of the email range has one live code (reset before each run). */
  static final class Email implements Scenario {
    private final BenchContext ctx;
    private final int from;
    private final int count;
    private List<String> tokens = List.of();
    long accepted;
    long refused;

    Email(BenchContext ctx) {
      this.ctx = ctx;
      this.from = ctx.members.emailFrom();
      this.count = ctx.members.emailTo() - from;
    }

    @Override
    public String name() {
      return "b email-check";
    }

    @Override
    public void prepare(BenchContext context, long expectedCalls) throws Exception {
      Seeder.resetEmailCodes(ctx.db, ctx.members, ctx.box);
      int[] indexes = new int[(int) expectedCalls];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = from + i % count;
      }
      tokens = ctx.seedSessions(indexes, MemberSession.Level.PASSWORD);
    }

    @Override
    public boolean exhausted(long i) {
      return i >= tokens.size();
    }

    @Override
    public Future<Outcome> call(long i) {
      int member = from + (int) (i % count);
      JsonObject body = new JsonObject().put("code", BenchMembers.emailCode(member)).put("method", "email");
      return Http.postJson(ctx.gateway(i / count), OtpApiRoutes.VERIFY, tokens.get((int) i), body).map(answer -> {
        if (answer.status() == 200) {
          accepted++;
          return Outcome.OK;
        }
        if (answer.status() == 401 || answer.status() == 410 || answer.status() == 409) {
          // The member's one code was used already in this run.
          refused++;
          return Outcome.REFUSED;
        }
        return Outcome.ERROR;
      });
    }

    @Override
    public String detail() {
      return "accepted " + accepted + ", used codes refused " + refused;
    }
  }

  /** (c) Full login: ID + password (Argon2id), then the TOTP code, through the JSON API. */
  static final class Login implements Scenario {
    private final BenchContext ctx;
    private final ReplayLedger ledger;
    private final int from;
    private final int count;
    /** Continues across runs, so a member's code is not replayed by the next run. */
    private long sequence;
    long accepted;
    long replays;

    Login(BenchContext ctx, ReplayLedger ledger) {
      this.ctx = ctx;
      this.ledger = ledger;
      this.from = ctx.members.loginFrom();
      this.count = ctx.members.loginTo() - from;
    }

    @Override
    public String name() {
      return "c login+totp";
    }

    @Override
    public Future<Outcome> call(long i) {
      long n = sequence++;
      int member = from + (int) (n % count);
      var gateway = ctx.gateway(n);
      JsonObject login = new JsonObject().put("userId", BenchMembers.loginId(member)).put("password", BenchMembers.PASSWORD);
      return Http.postJson(gateway, OtpApiRoutes.LOGIN, null, login).compose(answer -> {
        String token = answer.json().getString("token");
        if (answer.status() != 200 || token == null) {
          return Future.succeededFuture(Outcome.ERROR);
        }
        long step = BenchMembers.stepNow();
        JsonObject check = new JsonObject().put("code", ctx.members.totp(member, step)).put("method", "totp");
        return Http.postJson(gateway, OtpApiRoutes.VERIFY, token, check).map(verified -> {
          if (verified.status() == 200) {
            ledger.accepted(member, step);
            accepted++;
            return Outcome.OK;
          }
          if (verified.status() == 401 && "invalid".equals(errorCode(verified))) {
            replays++;
            return Outcome.REFUSED;
          }
          return Outcome.ERROR;
        });
      });
    }

    @Override
    public String detail() {
      return "accepted " + accepted + ", replays refused " + replays;
    }
  }

  /**
   * Warm-up requests of the proxy, forward-auth and upstream-direct runs: enough for the JIT to
   * compile their paths (the HTTP client and proxy code is used by nothing else), so the figures
   * are of compiled code and the comparison with the upstream hit directly is like for like.
   */
  static final long WARM_REQUESTS = 20_000;

  /** Signed-in (COMPLETE) sessions for the proxy and forward-auth scenarios. */
  private static List<String> completeSessions(BenchContext ctx, int n) throws Exception {
    int from = ctx.members.loginFrom();
    int count = ctx.members.loginTo() - from;
    int[] indexes = new int[n];
    for (int i = 0; i < n; i++) {
      indexes[i] = from + i % count;
    }
    return ctx.seedSessions(indexes, MemberSession.Level.COMPLETE);
  }

  /** (d) An authenticated request proxied to the demo upstream. */
  static Scenario proxied(BenchContext ctx) {
    return new SignedInGet(ctx, "d proxied", i -> "/bench/page?i=" + (i % 1000), true);
  }

  /** (e) A forward-auth check, as nginx auth_request would make it. */
  static Scenario forwardAuth(BenchContext ctx) {
    return new SignedInGet(ctx, "e forward-auth", i -> ForwardAuthRoutes.VERIFY, false);
  }

  /** A GET by one of 500 members through the whole journey, answered 200 when it works. */
  static final class SignedInGet implements Scenario {
    private final BenchContext ctx;
    private final String name;
    private final java.util.function.LongFunction<String> path;
    private final boolean usesUpstream;
    private List<String> cookies;

    SignedInGet(BenchContext ctx, String name, java.util.function.LongFunction<String> path, boolean usesUpstream) {
      this.ctx = ctx;
      this.name = name;
      this.path = path;
      this.usesUpstream = usesUpstream;
    }

    @Override
    public boolean usesUpstream() {
      return usesUpstream;
    }

    @Override
    public long minWarmupRequests() {
      return WARM_REQUESTS;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void prepare(BenchContext context, long expectedCalls) throws Exception {
      if (cookies == null) {
        cookies = completeSessions(ctx, 500).stream().map(id -> ctx.cookieName + "=" + id).toList();
      }
    }

    @Override
    public Future<Outcome> call(long i) {
      return Http.get(ctx.gateway(i), path.apply(i), cookies.get((int) (i % cookies.size())))
          .map(answer -> answer.status() == 200 ? Outcome.OK : Outcome.ERROR);
    }
  }

  /** The proxy's ceiling: the demo upstream (its own process) hit directly, same path, no gateway. */
  static final class UpstreamDirect implements Scenario {
    private final BenchContext ctx;

    UpstreamDirect(BenchContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public String name() {
      return "upstream direct";
    }

    @Override
    public boolean throughGateway() {
      return false;
    }

    @Override
    public long minWarmupRequests() {
      return WARM_REQUESTS;
    }

    @Override
    public Future<Outcome> call(long i) {
      return Http.get(ctx.upstream, "/bench/page?i=" + (i % 1000), null)
          .map(answer -> answer.status() == 200 ? Outcome.OK : Outcome.ERROR);
    }
  }

  private static String errorCode(Http.Answer answer) {
    JsonObject error = answer.json().getJsonObject("error");
    return error == null ? null : error.getString("code");
  }
}
