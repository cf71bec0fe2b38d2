package dev.sekisho.web;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;

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
 * for the failure handler to recognise by identity.
 */
public final class ClientFaults {
  private static final String CONNECTION_FAILURE = "sekisho.clientConnectionFailure";

  private ClientFaults() {
  }

  /** Records on the request what its connection fails with while the request is handled (SlowClients, the first handler). */
  static void watch(RoutingContext ctx, HttpConnection connection) {
    connection.exceptionHandler(failure -> ctx.put(CONNECTION_FAILURE, failure));
    // Between requests, as the server's own default handler does: no handler at all would make
    // Vert.x log every later reset as an ERROR.
    ctx.addEndHandler(done -> connection.exceptionHandler(BETWEEN_REQUESTS));
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClientFaults.class);
  private static final io.vertx.core.Handler<Throwable> BETWEEN_REQUESTS =
      failure -> LOG.debug("client connection failed between requests: {}", failure.toString());

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
