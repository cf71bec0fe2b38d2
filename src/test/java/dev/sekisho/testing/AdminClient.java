package dev.sekisho.testing;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** The insurer's side in tests: calls /sekisho/admin/api with the admin token. */
public final class AdminClient {
  private final String baseUrl;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  AdminClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** A client with some other token, to see calls refused. */
  public static AdminClient withToken(String baseUrl, String token) {
    return new AdminClient(baseUrl, token);
  }

  public HttpResponse<String> call(String method, String path, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/sekisho/admin/api" + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + token);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> importCsv(String csv) {
    return call("POST", "/members/import", csv, "text/csv; charset=utf-8");
  }

  public JsonObject member(String userId) {
    HttpResponse<String> response = call("GET", "/members/" + java.net.URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20"), null, null);
    return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
  }

  /** A member with a unique ID and the rule password; returns the ID. Password: "12" + "3456" + "19800401". */
  public String newMember(String prefix) {
    String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> response = importCsv("user_id,symbol,number,birthdate,name,email\n"
        + id + ",12,3456,1980-04-01,テスト 花子," + id + "@example.jp\n");
    if (response.statusCode() != 200) {
      throw new IllegalStateException("import failed: " + response.body());
    }
    return id;
  }

  public static final String RULE_PASSWORD = "12345619800401";
}
