package dev.sekisho.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** One request, its status and body. */
final class Http {
  record Answer(int status, Buffer body) {
    JsonObject json() {
      try {
        return body.toJsonObject();
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }
  }

  private Http() {}

  static Future<Answer> send(HttpClient client, HttpMethod method, String uri, MultiMap headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setHeaders(headers).setTimeout(30_000);
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b)));
  }

  static Future<Answer> postJson(HttpClient client, String uri, String bearer, JsonObject json) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    if (bearer != null) {
      headers.add("Authorization", "Bearer " + bearer);
    }
    return send(client, HttpMethod.POST, uri, headers, json.toBuffer());
  }

  static Future<Answer> getBearer(HttpClient client, String uri, String bearer) {
    return send(client, HttpMethod.GET, uri, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + bearer), null);
  }

  static Future<Answer> get(HttpClient client, String uri, String cookie) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (cookie != null) {
      headers.add("Cookie", cookie);
    }
    return send(client, HttpMethod.GET, uri, headers, null);
  }
}
