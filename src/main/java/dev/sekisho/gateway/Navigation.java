package dev.sekisho.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Whether a request is a page the member navigated to, the only kind worth coming back to after
 * the login: not the favicon, an image or a script call the browser makes on its own (Chrome asks
 * for {@code /favicon.ico} as soon as the login page shows, and would otherwise replace the page
 * remembered). {@code Sec-Fetch-Dest} decides where the browser sends it; older browsers are
 * judged by {@code Accept}.
 */
final class Navigation {
  private Navigation() {}

  /** @param method the original request's method (from a trusted proxy's X-Forwarded-Method in forward-auth) */
  static boolean isPage(String method, HttpServerRequest request) {
    if (!"GET".equalsIgnoreCase(method)) {
      return false;
    }
    String dest = request.getHeader("Sec-Fetch-Dest");
    if (dest != null) {
      return dest.equals("document");
    }
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return accept == null || accept.contains("text/html") || accept.equals("*/*");
  }
}
