package dev.sekisho.web;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;

/**
 * Failures of a request that are the client's doing, not the gateway's: a body the HTTP codec could
 * not read (a broken chunk size, framing that contradicts itself), or a client that went away before
 * its answer. They reach the failure handler like any bug would; logged as errors with their stack
 * traces, any client could fill the operators' logs and alerts with them (the bad-input suite's
 * broken chunked bodies did, two ERROR traces per request).
 *
 * <p>The headers of such a request were fine, so {@link InvalidRequests} never saw it: the codec's
 * refusal of the body arrives as the request's exception, and Vert.x closes the connection right
 * after it.
 */
public final class ClientFaults {
  private ClientFaults() {
  }

  /** Whether the request's body was refused by the HTTP codec (the exception was raised inside Netty's decoders). */
  public static boolean unreadableBody(Throwable failure) {
    if (failure instanceof DecoderException || failure instanceof TooLongFrameException) {
      return true;
    }
    if (failure == null) {
      return false;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    // The codec throws plain exceptions too (NumberFormatException "Invalid character in chunk size"
    // from HttpObjectDecoder.getChunkSize): recognised by where they were raised.
    for (int i = 0; i < Math.min(3, frames.length); i++) {
      if (frames[i].getClassName().startsWith("io.netty.handler.codec.http.")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the client closed its connection before the answer: nobody is left to answer. */
  public static boolean clientGone(RoutingContext ctx) {
    return ctx.failure() instanceof HttpClosedException && ctx.response().closed();
  }
}
