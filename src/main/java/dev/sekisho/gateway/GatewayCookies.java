package dev.sekisho.gateway;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The gateway's cookies (the session and the language choice) are its own: the portal never sees
 * them in a request, and cannot overwrite them with a Set-Cookie of the same name.
 */
final class GatewayCookies {
  private final Set<String> names;

  GatewayCookies(Set<String> names) {
    this.names = Set.copyOf(names);
  }

  /** Removes the gateway's cookies from every Cookie header; drops the header when nothing is left. */
  void stripFromRequest(MultiMap headers) {
    List<String> kept = new ArrayList<>();
    for (String header : headers.getAll("Cookie")) {
      for (String pair : header.split(";")) {
        String trimmed = pair.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim();
        if (!names.contains(name)) {
          kept.add(trimmed);
        }
      }
    }
    headers.remove("Cookie");
    if (!kept.isEmpty()) {
      headers.set("Cookie", String.join("; ", kept));
    }
  }

  void stripFromResponse(MultiMap headers) {
    List<String> kept = new ArrayList<>();
    for (String header : headers.getAll("Set-Cookie")) {
      int eq = header.indexOf('=');
      String name = (eq < 0 ? header : header.substring(0, eq)).trim();
      if (!names.contains(name)) {
        kept.add(header);
      }
    }
    headers.remove("Set-Cookie");
    for (String header : kept) {
      headers.add("Set-Cookie", header);
    }
  }
}
