package dev.sekisho.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Rules every HTML page of the gateway must keep, checked on EVERY page any test fetches through
 * {@link WebClientSession}: the CSP without unsafe-inline and with frame-ancestors 'none', the other
 * security headers, no-store, and nothing inline the CSP would block (inline scripts, style
 * elements or attributes, event-handler attributes, javascript: URLs). A template that breaks one
 * fails whichever test reaches it.
 */
public final class PageRules {
  private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern INLINE_STYLE = Pattern.compile("<style\\b|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern HANDLER = Pattern.compile("<[^>]+\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern JS_URL = Pattern.compile("(href|src|action)\\s*=\\s*\"\\s*javascript:", Pattern.CASE_INSENSITIVE);
  /** Distinct gateway page paths checked in this JVM, for reports. */
  public static final Set<String> CHECKED = ConcurrentHashMap.newKeySet();

  private PageRules() {}

  public static void check(URI uri, HttpResponse<String> response) {
    String path = uri.getPath();
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (path == null || !path.startsWith("/sekisho/") || path.startsWith("/sekisho/static/") || !type.startsWith("text/html")) {
      return;
    }
    String where = response.request().method() + " " + path + " (" + response.statusCode() + ")";
    String csp = response.headers().firstValue("Content-Security-Policy").orElse(null);
    require(csp != null, where, "no Content-Security-Policy");
    require(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), where, "CSP allows unsafe-inline/eval: " + csp);
    require(csp.contains("frame-ancestors 'none'"), where, "CSP lacks frame-ancestors 'none'");
    require(response.headers().firstValue("Referrer-Policy").isPresent(), where, "no Referrer-Policy");
    require(response.headers().firstValue("X-Content-Type-Options").filter("nosniff"::equals).isPresent(), where, "no nosniff");
    require(response.headers().firstValue("Cache-Control").filter(v -> v.contains("no-store")).isPresent(), where, "not no-store");
    String body = response.body();
    require(!INLINE_SCRIPT.matcher(body).find(), where, "inline <script>");
    require(!INLINE_STYLE.matcher(body).find(), where, "inline style");
    require(!HANDLER.matcher(body).find(), where, "inline event handler attribute");
    require(!JS_URL.matcher(body).find(), where, "javascript: URL");
    CHECKED.add(path);
  }

  private static void require(boolean ok, String where, String problem) {
    if (!ok) {
      throw new AssertionError("page rule broken on " + where + ": " + problem);
    }
  }
}
