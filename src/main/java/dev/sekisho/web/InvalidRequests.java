package dev.sekisho.web;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests the HTTP codec could not read (URL or headers over the limits, broken framing)
 * before any route sees them. Vert.x's default handler sends the right status with an empty body;
 * the bad-input suite requires a clear message on every refusal, so this one says what was wrong,
 * in Japanese and English, as plain text (no page: the request may not even have a usable path).
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
  @Override
  public void handle(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "URL が長すぎます。 / The URL is too long.";
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      status = 431;
      message = "リクエストヘッダー（Cookie など）が大きすぎます。 / The request headers (cookies) are too large.";
    } else {
      status = 400;
      message = "リクエストを読み取れません。 / The request could not be read.";
    }
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cache-Control", "no-store")
        .end(message + "\n")
        // Closed after the answer is written (the connection is in an unknown state).
        .onComplete(done -> request.connection().close());
  }
}
