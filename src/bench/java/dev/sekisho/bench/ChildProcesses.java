package dev.sekisho.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How the bench starts its child JVMs: the gateways (as the README starts one) and the demo upstream. */
final class ChildProcesses {
  private final BenchOptions options;
  private final PrintStream out;

  ChildProcesses(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /**
   * A child that has exited turns every figure measured after it into connection errors, not the
   * gateway's work: the bench stops at the first run that finds one, and says which and where its
   * log is (a gateway that lost its port at start once left a run printing 41,691 "requests/s", every
   * one an error).
   */
  static final class Exited extends IllegalStateException {
    Exited(String message) {
      super(message);
    }
  }

  /** Throws {@link Exited} when the child named what has exited. */
  static void requireRunning(String what, GatewayProcess child) {
    if (child != null && !child.process().isAlive()) {
      String log = child.log().strip();
      String last = log.isEmpty() ? "(no output)" : log.substring(log.lastIndexOf('\n') + 1);
      throw new Exited(String.format(Locale.ROOT, "%s (pid %d, port %d) has exited with status %d; its log %s ends: %s",
          what, child.pid(), child.port(), child.process().exitValue(), child.logFile(), last));
    }
  }

  GatewayProcess gateway(int index, int port, int upstreamPort, String dbUrl, Path work) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("SEKISHO_HTTP_HOST", options.host());
    env.put("SEKISHO_HTTP_PUBLIC_ORIGIN", "http://localhost:" + port);
    // The portal is the demo upstream's own process, as a real portal would be: the gateway's cores
    // and event loops serve only the gateway, and the ceiling below is that same process.
    env.put("SEKISHO_GATEWAY_UPSTREAMS", "/=http://" + options.host() + ":" + upstreamPort);
    env.put("SEKISHO_GATEWAY_DEMO_UPSTREAM_ENABLED", "false");
    // Round-robin members come back within a time step when the run outpaces members/30 s: those
    // replays are refused and count as failures. All load comes from one address, which is exactly
    // what the guessing limits stop: relax the per-member and per-address limits and back-off so
    // they do not lock the run (each refused check still costs its statement).
    env.put("SEKISHO_OTP_MAX_FAILURES", "100");
    env.put("SEKISHO_OTP_LOCK_MINUTES", "1");
    env.put("SEKISHO_LOGIN_BACKOFF_AFTER", "100");
    env.put("SEKISHO_LOGIN_BACKOFF_BASE_SECONDS", "1");
    env.put("SEKISHO_LOGIN_IP_MAX_FAILURES", "100000");
    env.put("SEKISHO_LOGIN_IP_BACKOFF_AFTER", "100000");
    env.put("SEKISHO_ADMIN_TOKEN", ImportLoad.ADMIN_TOKEN);
    // Started as the README's production command and the Dockerfile start it (GatewayProcess.JVM_FLAGS),
    // so the RSS measured is the RSS of a gateway started as documented.
    List<String> jvm = jvmArgs("gateway-" + index, GatewayProcess.JVM_FLAGS, work);
    GatewayProcess gateway = GatewayProcess.start(port, dbUrl, env, jvm, work.resolve("gateway-" + index + ".log"));
    out.printf(Locale.ROOT, "Gateway %d (pid %d) on port %d: start to ready %d ms, RSS idle %.0f MB%n", index, gateway.pid(),
        port, gateway.startMillis(), gateway.rssBytes() / 1048576.0);
    return gateway;
  }

  /** JVM options of a child process; with --jfr it records a profile to DIR/NAME.jfr. */
  List<String> jvmArgs(String name, List<String> flags, Path work) {
    List<String> jvm = new ArrayList<>(flags);
    if (options.jfr()) {
      jvm.add("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr").toAbsolutePath()
          + ",settings=profile,dumponexit=true");
    }
    return jvm;
  }
}
