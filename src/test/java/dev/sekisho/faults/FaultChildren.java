package dev.sekisho.faults;

import dev.sekisho.bench.GatewayProcess;
import dev.sekisho.testing.TestGateway;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Gateways in their own JVM for the fault tests ({@code dev.sekisho.launcher.Main run} on the test
 * class path), through the load generator's {@link GatewayProcess}: only the test settings here.
 */
final class FaultChildren {
  private FaultChildren() {}

  /** @param dataDir the embedded database's directory, or null when extraEnv names SEKISHO_DB_URL */
  static GatewayProcess start(Path dataDir, Map<String, String> extraEnv) throws IOException {
    Map<String, String> env = new HashMap<>();
    if (dataDir != null) {
      env.put("SEKISHO_DB_EMBEDDED_DATA_DIR", dataDir.toString());
    }
    env.put("SEKISHO_HTTP_INSTANCES", "1");
    env.put("SEKISHO_MANAGEMENT_PORT", "0");
    env.put("SEKISHO_MANAGEMENT_PUBLIC", "true");
    env.put("SEKISHO_HTTP_TRUSTED_PROXIES", "127.0.0.1");
    env.put("SEKISHO_ADMIN_TOKEN", TestGateway.ADMIN_TOKEN);
    env.putAll(extraEnv);
    return GatewayProcess.isolated(TestGateway.freePort(), env, "Sekisho is ready", 120);
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
