package dev.sekisho.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for a server this machine is about to start on 127.0.0.1 (the embedded PostgreSQL, the
 * bench's gateways and demo portal, the tests' child processes), chosen below the kernel's ephemeral
 * range. A port the kernel gives for "port 0" comes from the ephemeral range, the range it also takes
 * the local port of every outgoing connection from (the database connections a gateway opens while it
 * starts, the bench's own): between the probe and the server's bind, one of those could take it, and
 * a gateway failed to start with "Address already in use" (once in about twenty bench runs on the
 * 2-core machine). Below the range no outgoing connection is ever given a port.
 */
public final class LocalPorts {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** Below this, ports are the well-known services' and those of the system's own daemons. */
  public static final int LOWEST = 10_000;
  /** Linux's default ephemeral range, where the kernel does not say. */
  private static final int[] DEFAULT_RANGE = {32_768, 60_999};

  private LocalPorts() {}

  /** A port no process listens on, below the ephemeral range when there is room, else one the kernel gives. */
  public static int unused() throws IOException {
    int below = ephemeralRange()[0];
    if (below - LOWEST >= 1_000) {
      for (int attempt = 0; attempt < 200; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
        if (bindable(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The kernel's ephemeral range (first and last port), or Linux's default where it cannot be read. */
  public static int[] ephemeralRange() {
    try {
      String[] bounds = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
    } catch (IOException | RuntimeException e) {
      return DEFAULT_RANGE.clone();
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
