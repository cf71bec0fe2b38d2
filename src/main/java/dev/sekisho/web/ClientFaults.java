package dev.sekisho.web;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failures of a request that are the client's doing, not the gateway's: its connection failed under
 * the request (a body the HTTP codec could not read, such as a broken chunk size; a reset mid-body),
 * or it closed before the answer. They reach the failure handler like any bug or outage would. Taken
 * for those, any client could fill the operators' logs and alerts: broken chunked bodies logged two
 * ERROR traces each, and a reset mid-body read "Connection reset" and was logged as "database
 * unavailable".
 *
 * <p>A failure of the client's own connection is told apart exactly, not by its text: Vert.x hands
 * it to the connection's exception handler before the request's, and {@link #watch} records it there
 * for the failure handler to recognise by identity. (On an HTTP/2 connection, shared by concurrent
 * requests, the latest request is the one watched: the others fall back to the failure's own kind.)
 */
public final class ClientFaults {
  private static final Logger LOG = LoggerFactory.getLogger(ClientFaults.class);
  private static final String CONNECTION_FAILURE = "sekisho.clientConnectionFailure";
  /** Between requests, as the server's own default handler: with none at all, Vert.x logs every later reset as an ERROR. */
  private static final Handler<Throwable> BETWEEN_REQUESTS =
      failure -> LOG.debug("client connection failed between requests: {}", failure.toString());

  private ClientFaults() {
  }

  /** From the request's first handler (SlowClients) until {@link #unwatch}: what its connection fails with is recorded on it. */
  static void watch(RoutingContext ctx, HttpConnection connection) {
    connection.exceptionHandler(failure -> ctx.put(CONNECTION_FAILURE, failure));
  }

  /** At the request's end: the connection's failures belong to no request any more. */
  static void unwatch(HttpConnection connection) {
    connection.exceptionHandler(BETWEEN_REQUESTS);
  }

  /** Whether the request failed because the client's own connection did (a malformed body, a reset). */
  public static boolean clientConnectionFailed(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    return failure != null && failure == ctx.get(CONNECTION_FAILURE);
  }

  /** Whether the client's connection was already closed when its request failed: nobody is left to answer. */
  public static boolean clientGone(RoutingContext ctx) {
    return ctx.failure() instanceof HttpClosedException && ctx.response().closed();
  }

  /** Whether the failure is the HTTP codec refusing what the client sent (raised inside Netty's HTTP decoders). */
  public static boolean unreadable(Throwable failure) {
    if (failure instanceof DecoderException || failure instanceof TooLongFrameException) {
      return true;
    }
    StackTraceElement[] frames = failure == null ? new StackTraceElement[0] : failure.getStackTrace();
    // The codec throws plain exceptions too (NumberFormatException "Invalid character in chunk size"
    // from HttpObjectDecoder.getChunkSize): recognised by where they were raised.
    for (int i = 0; i < Math.min(3, frames.length); i++) {
      if (frames[i].getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }
}
