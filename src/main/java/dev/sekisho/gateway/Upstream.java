package dev.sekisho.gateway;

import java.net.URI;

/**
 * One upstream of the portal: requests (for {@code site}, when set) whose path starts with {@code prefix} go to {@code url}
 * (an origin: scheme, host, port). The path is forwarded unchanged, so the portal sees the same
 * URLs the member's browser does.
 */
public record Upstream(String site, String prefix, String url, String host, int port, boolean ssl) {

  /** An upstream for every site (any Host). */
  public static Upstream of(String prefix, String url) {
    return of(null, prefix, url);
  }

  /**
   * @param site the request's host name this upstream serves (several portals behind one gateway), or null for any
   * @throws IllegalArgumentException with a sentence saying what is wrong
   */
  public static Upstream of(String site, String prefix, String url) {
    if (site != null && !site.isBlank() && !site.trim().matches("[A-Za-z0-9.-]{1,253}")) {
      throw new IllegalArgumentException("host must be a host name like app.example.jp, got '" + site + "'");
    }
    String forSite = site == null || site.isBlank() ? null : site.trim().toLowerCase(java.util.Locale.ROOT);
    if (prefix == null || !prefix.startsWith("/") || prefix.startsWith("/sekisho") || prefix.contains("..")
        || prefix.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("prefix must be a path starting with / outside /sekisho, got '" + prefix + "'");
    }
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url must look like http://127.0.0.1:9000, got '" + url + "'");
    }
    boolean http = "http".equals(uri.getScheme());
    boolean https = "https".equals(uri.getScheme());
    if (!(http || https) || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null
        || uri.getFragment() != null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("url must be an origin like http://127.0.0.1:9000 (no path), got '" + url + "'");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String normalizedPrefix = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return new Upstream(forSite, normalizedPrefix, uri.getScheme() + "://" + uri.getHost() + ":" + port, uri.getHost(), port, https);
  }

  /** The metrics' route label of requests proxied here. */
  public String routeLabel() {
    return "upstream:" + (site == null ? "" : site) + prefix;
  }

  /** Whether this upstream serves the request's host (lower case, no port) and path. */
  public boolean serves(String requestHost, String path) {
    return (site == null || site.equals(requestHost)) && serves(path);
  }

  /** Whether this upstream serves the path: the prefix itself, or below it. */
  public boolean serves(String path) {
    return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
