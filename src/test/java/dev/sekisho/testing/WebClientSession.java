package dev.sekisho.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for integration tests: keeps cookies, does not follow redirects (so
 * tests see them), remembers the CSRF token of the last page and sends it with forms. Each
 * instance presents its own client address through X-Forwarded-For.
 */
public final class WebClientSession {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

  private final String baseUrl;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private final String clientAddress;
  /** The browser this client says it is; null: the HTTP client's own. */
  private String userAgent;
  private String csrf;

  public WebClientSession(String baseUrl) {
    this.baseUrl = baseUrl;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
    int n = ADDRESSES.getAndIncrement();
    this.clientAddress = "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
  }

  /** Another client on a different gateway (base URL) sharing this one's cookies: the same browser, another process. */
  public WebClientSession sameBrowserAt(String otherBaseUrl) {
    WebClientSession other = new WebClientSession(otherBaseUrl);
    for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
      other.cookies.getCookieStore().add(URI.create(otherBaseUrl), cookie);
    }
    other.csrf = csrf;
    return other;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String clientAddress() {
    return clientAddress;
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  /** Follows redirects from a GET until a non-redirect answer, at most 10 hops. */
  public HttpResponse<String> follow(String path) {
    HttpResponse<String> response = get(path);
    for (int i = 0; i < 10 && response.statusCode() / 100 == 3; i++) {
      response = get(response.headers().firstValue("Location").orElseThrow());
    }
    return response;
  }

  /** Posts a form with the CSRF token of the last page seen. */
  public HttpResponse<String> post(String path, Map<String, String> fields) {
    Map<String, String> form = new LinkedHashMap<>();
    if (csrf != null) {
      form.put("_csrf", csrf);
    }
    form.putAll(fields);
    return postRaw(path, encode(form), "application/x-www-form-urlencoded");
  }

  public HttpResponse<String> postRaw(String path, String body, String contentType) {
    return send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
  }

  public HttpResponse<String> postBytes(String path, byte[] body, String contentType) {
    return send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** ID + password through the login page; returns the answer to the POST. */
  public HttpResponse<String> login(String userId, String password) {
    get("/sekisho/login");
    return post("/sekisho/login", Map.of("user_id", userId, "password", password));
  }

  public String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue).findFirst().orElse(null);
  }

  public void setCookie(String name, String value) {
    HttpCookie cookie = new HttpCookie(name, value);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().add(URI.create(baseUrl), cookie);
  }

  public String csrf() {
    return csrf;
  }

  /** From now on, sends this User-Agent (a browser's own words, for what the gateway makes of them). */
  public void userAgent(String value) {
    this.userAgent = value;
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("X-Forwarded-For", clientAddress)
        .header("Accept-Language", "ja");
    return userAgent == null ? builder : builder.header("User-Agent", userAgent);
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      // Every gateway page any test reaches must keep the CSP and header rules.
      PageRules.check(request.uri(), response);
      Matcher m = CSRF.matcher(response.body());
      if (m.find()) {
        csrf = m.group(1);
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
