package dev.sekisho.launcher;

import dev.sekisho.config.ConfigReader;
import dev.sekisho.gateway.DemoUpstream;
import dev.sekisho.gateway.GatewaySettings;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;

/**
 * {@code demo-upstream}: the demo portal alone, in a process of its own, on loopback at
 * {@code gateway.demoUpstream.port}. The default run keeps starting it inside the gateway; this is
 * for measuring the proxy fairly (the bench starts it like a real portal, so the portal's work is
 * not charged to the gateway's cores and event loops) and for trying {@code gateway.upstreams}.
 */
final class DemoUpstreamCommand {
  private DemoUpstreamCommand() {}

  static void run() {
    GatewaySettings gateway = GatewaySettings.from(new ConfigReader(Main.config()));
    Vertx vertx = Vertx.vertx();
    DemoUpstream upstream = new DemoUpstream(gateway.demoPort(), gateway.headers());
    vertx.deployVerticle(upstream)
        .onSuccess(id -> System.out.println("Demo upstream ready on http://127.0.0.1:" + upstream.actualPort()))
        .onFailure(err -> {
          System.err.println("The demo upstream could not start: " + err.getMessage());
          vertx.close().onComplete(done -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Exiting anyway.
      }
    }, "demo-upstream-shutdown"));
  }
}
