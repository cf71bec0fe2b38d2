package dev.sekisho.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One id per request: a trusted proxy's {@code X-Request-Id} (so one id follows the request from
 * the edge through the gateway to the portal), or one made here. It is kept in the request's own
 * Vert.x context (each HTTP request runs on a duplicated context of its event loop, and every
 * callback of that request, a database answer included, runs on that same context), which is what
 * {@link RequestIdFilter} copies into the logging MDC for each line.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  /** The MDC key (and JSON field) of the id. */
  public static final String MDC_KEY = "requestId";
  private static final Object LOCAL_KEY = new Object();
  /** What an incoming id may look like: no spaces, quotes or control characters to forge log lines with. */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RequestIds() {}

  /** The id for this request: the trusted proxy's if it sent a sound one, else a new one; kept for its log lines. */
  public static String assign(RoutingContext ctx, boolean fromTrustedProxy) {
    String inbound = fromTrustedProxy ? ctx.request().getHeader(HEADER) : null;
    String id = inbound != null && ACCEPTED.matcher(inbound).matches() ? inbound : newId();
    ctx.put(MDC_KEY, id);
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      // Only a duplicated context belongs to this one request; the event loop's own is shared.
      context.localContextData().put(LOCAL_KEY, id);
    }
    return id;
  }

  /** The id of the request being handled, or null. */
  public static String of(RoutingContext ctx) {
    return ctx.get(MDC_KEY);
  }

  /** The id of the request whose context the calling thread runs on, or null (not on a request's context). */
  static String current() {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      Map<Object, Object> local = internal.getLocal(ContextInternal.LOCAL_MAP);
      return local == null ? null : (String) local.get(LOCAL_KEY);
    }
    return null;
  }

  private static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
