package dev.sekisho.bench;

import dev.sekisho.factor.otpapi.OtpApiRoutes;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second opinion on the bench's own OTP-check figure from an independent load generator: wrk
 * (Debian's {@code wrk}, found on PATH) with a Lua script that sends the same checks the bench
 * prepares (a session at the second step per request, the member's current code), with the same
 * number of connections and seconds as the closed model. The bench's figure is only believable
 * when wrk's agrees with it (the target is within 30 %). Not run when wrk is not installed.
 */
final class WrkCheck {
  /** wrk's Lua script: one prepared check per request; past the end, the last again (a replay, refused). */
  static final String SCRIPT = """
      -- Sekisho's OTP check under wrk: wrk -t1 -cC -dSs -s wrk-otp-check.lua URL -- requests.tsv
      -- Each line of requests.tsv: a bearer token of a session at the second step, a tab, its member's code.
      local checks = {}
      local next_check = 0
      function init(args)
        for line in io.lines(args[1]) do
          local token, code = line:match("([^\\t]+)\\t(%%d+)")
          checks[#checks + 1] = { token, code }
        end
      end
      function request()
        next_check = math.min(next_check + 1, #checks)
        local check = checks[next_check]
        return wrk.format("POST", "%s",
          { ["Authorization"] = "Bearer " .. check[1], ["Content-Type"] = "application/json" },
          '{"code":"' .. check[2] .. '","method":"totp"}')
      end
      """.formatted(OtpApiRoutes.VERIFY);

  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");

  private WrkCheck() {}

  static Path findWrk() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, "wrk");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Runs wrk on prepared checks against one gateway and prints its rate beside the bench's closed figure. */
  static void run(BenchContext ctx, Scenarios.Totp totp, URI gateway, double benchRate, int callers, double seconds,
                  Path work, PrintStream out) throws Exception {
    Path wrk = findWrk();
    if (wrk == null) {
      out.println("    wrk not installed (Debian: apt-get install wrk): no independent load generator's figure");
      return;
    }
    // Checks for 3 x the bench's rate (wrk may well be faster), within the gateway's ticket cache.
    totp.prepare(ctx, Math.min(BenchCommand.SESSIONS_PER_RUN, (long) (benchRate * seconds * 3) + 1000));
    Path requests = work.resolve("wrk-otp-requests.tsv");
    List<String> lines = totp.requestLines(BenchMembers.stepNow());
    Files.write(requests, lines, StandardCharsets.UTF_8);
    Path script = work.resolve("wrk-otp-check.lua");
    Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
    // As long as the prepared checks last if wrk goes up to 1.5 x the bench's rate: once they run out,
    // wrk sends the last one again and again (refused), and its rate of passed checks over the whole
    // run would count that time as idle (0.58 x the bench's figure, where it was 1.0 x while they lasted).
    long wrkSeconds0 = Math.max(2, Math.min(Math.round(seconds), (long) (lines.size() / (1.5 * benchRate))));
    Process process = new ProcessBuilder(wrk.toString(), "-t1", "-c" + callers, "-d" + wrkSeconds0 + "s",
        "--latency", "-s", script.toString(), gateway.toString(), "--", requests.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(30, TimeUnit.SECONDS);
    Files.writeString(work.resolve("wrk-otp-check.out"), output, StandardCharsets.UTF_8);
    Matcher total = REQUESTS.matcher(output);
    if (!total.find()) {
      out.println("    wrk failed: " + output.lines().reduce((a, b) -> b).orElse(""));
      return;
    }
    long all = Long.parseLong(total.group(1));
    double wrkSeconds = Double.parseDouble(total.group(2)) * unitSeconds(total.group(3));
    Matcher refused = NON_2XX.matcher(output);
    long passed = all - (refused.find() ? Long.parseLong(refused.group(1)) : 0);
    Matcher p99 = P99.matcher(output);
    String p99Text = p99.find() ? String.format(Locale.ROOT, "%.2f ms", Double.parseDouble(p99.group(1)) * unitSeconds(p99.group(2)) * 1000)
        : "n/a";
    double rate = passed / wrkSeconds;
    out.printf(Locale.ROOT, "    wrk (independent load generator, 1 thread, c=%d, %d s, %s): %.0f passed checks/s of %d requests, "
            + "p99 %s = %.2f x the bench's closed figure %.0f/s [within 0.7-1.3]%s%n", callers, wrkSeconds0, script, rate, all, p99Text,
        rate / benchRate, benchRate, passed >= lines.size() * 0.99 ? " (ran out of prepared checks: a lower bound)" : "");
  }

  private static double unitSeconds(String unit) {
    return switch (unit) {
      case "us" -> 1e-6;
      case "ms" -> 1e-3;
      case "m" -> 60;
      default -> 1;
    };
  }
}
