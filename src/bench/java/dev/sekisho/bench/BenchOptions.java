package dev.sekisho.bench;

import java.util.ArrayList;
import java.util.List;

/** The bench command's options (see README, "Benchmark"). */
public record BenchOptions(int members, int gateways, double seconds, double warmupSeconds, int callers, double rate,
                    double openFraction, String dbUrl, List<String> targets, List<String> scenarios, int pgbenchSeconds,
                    int argon2Seconds, boolean jfr, int otpSessionsPerSecond, String host, String workDir, boolean coldChecks,
                    int liveSessions, int importMembers, int importWaitMinutes) {

  static final List<String> ALL = List.of("totp", "email", "login", "proxy", "forward-auth", "mixed");

  static BenchOptions parse(String[] args) {
    int members = 10_000;
    int gateways = 1;
    double seconds = 10;
    double warmup = 3;
    int callers = 32;
    double rate = 0;
    double openFraction = 0.8;
    String dbUrl = "";
    List<String> targets = new ArrayList<>();
    List<String> scenarios = ALL;
    int pgbenchSeconds = 10;
    int argon2Seconds = 3;
    boolean jfr = false;
    int otpSessions = 6000;
    String workDir = "bench-work";
    boolean cold = false;
    int liveSessions = 100_000;
    int importMembers = 0;
    int importWait = 120;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--members" -> { members = Integer.parseInt(need(a, value)); i++; }
        case "--gateways" -> { gateways = Integer.parseInt(need(a, value)); i++; }
        case "--seconds" -> { seconds = Double.parseDouble(need(a, value)); i++; }
        case "--warmup" -> { warmup = Double.parseDouble(need(a, value)); i++; }
        case "--callers" -> { callers = Integer.parseInt(need(a, value)); i++; }
        case "--rate" -> { rate = Double.parseDouble(need(a, value)); i++; }
        case "--open-fraction" -> { openFraction = Double.parseDouble(need(a, value)); i++; }
        case "--db-url" -> { dbUrl = need(a, value); i++; }
        case "--target" -> { targets.addAll(List.of(need(a, value).split(","))); i++; }
        case "--scenarios" -> { scenarios = List.of(need(a, value).split(",")); i++; }
        case "--pgbench-seconds" -> { pgbenchSeconds = Integer.parseInt(need(a, value)); i++; }
        case "--argon2-seconds" -> { argon2Seconds = Integer.parseInt(need(a, value)); i++; }
        case "--otp-sessions-per-second" -> { otpSessions = Integer.parseInt(need(a, value)); i++; }
        case "--work" -> { workDir = need(a, value); i++; }
        case "--jfr" -> jfr = true;
        case "--cold-checks" -> cold = true;
        case "--live-sessions" -> { liveSessions = Integer.parseInt(need(a, value)); i++; }
        case "--import-members" -> { importMembers = Integer.parseInt(need(a, value)); i++; }
        case "--import-wait-minutes" -> { importWait = Integer.parseInt(need(a, value)); i++; }
        default -> throw new IllegalArgumentException("unknown option " + a + "");
      }
    }
    if (members < 10 || members > 1_000_000) {
      throw new IllegalArgumentException("--members must be between 10 and 1000000");
    }
    if (gateways < 1 || gateways > 2) {
      throw new IllegalArgumentException("--gateways must be 1 or 2");
    }
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario " + s + "; known: " + String.join(",", ALL));
      }
    }
    if (importMembers < 0 || importMembers > 200_000 || (importMembers > 0 && !targets.isEmpty())) {
      throw new IllegalArgumentException("--import-members must be 0 to 200000, and works with the bench's own gateways only");
    }
    if (!targets.isEmpty() && dbUrl.isEmpty()) {
      throw new IllegalArgumentException("--target needs --db-url (the members are seeded straight into the database)");
    }
    return new BenchOptions(members, targets.isEmpty() ? gateways : targets.size(), seconds, warmup, callers, rate,
        openFraction, dbUrl, targets, scenarios, pgbenchSeconds, argon2Seconds, jfr, otpSessions, "127.0.0.1", workDir, cold, liveSessions,
        importMembers, importWait);
  }

  private static String need(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  public static String usage() {
    return """
          bench [options]          load-test the gateway (see README, "Benchmark"):
            --members N            members seeded into PostgreSQL (default 10000, up to 1000000)
            --gateways 1|2         gateway processes sharing the database (default 1)
            --seconds S            measured seconds per scenario and model (default 10)
            --warmup S             unmeasured warm-up per scenario (default 3)
            --callers C            concurrent callers of the closed model (default 32)
            --rate R               open-model rate in requests/s (default: --open-fraction x the closed throughput)
            --open-fraction F      open-model rate as a fraction of the closed throughput (default 0.8)
            --scenarios LIST       totp,email,login,proxy,forward-auth,mixed (default all)
            --db-url URL           an existing database (default: an embedded PostgreSQL in a temporary directory)
            --target URL[,URL]     running gateways to drive (needs --db-url of their database)
            --pgbench-seconds S    pgbench ceiling duration (default 10; 0 skips it)
            --argon2-seconds S     Argon2id ceiling duration (default 3)
            --otp-sessions-per-second N  sessions seeded per measured second for the closed code checks (default 6000)
            --work DIR             where gateway logs and profiles go (default bench-work)
            --jfr                  record a JFR profile in each gateway (DIR/gateway-N.jfr)
            --cold-checks          (a) without the methods call before each check: the gateway reads each session first
            --live-sessions N      signed-in sessions kept live in the database during the run (default 100000)
            --import-members N     an import job of N new members during the OTP checks' open run: their p99 meanwhile, the job's time (needs totp)
            --import-wait-minutes M  how long to wait for that job's end before printing how far it got (default 120)""";
  }
}
