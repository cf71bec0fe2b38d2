package dev.sekisho.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the id of the request being handled into the MDC of every log call, whichever class logs
 * and from whichever callback. The MDC is thread-local and an event loop serves many requests in
 * turn, so a value set once per request would be wrong on the next callback of another request;
 * reading the request's Vert.x context at each call is always right, and costs a map lookup.
 */
public final class RequestIdFilter extends TurboFilter {
  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    String id = RequestIds.current();
    if (id == null) {
      if (MDC.get(RequestIds.MDC_KEY) != null) {
        MDC.remove(RequestIds.MDC_KEY);
      }
    } else if (!id.equals(MDC.get(RequestIds.MDC_KEY))) {
      MDC.put(RequestIds.MDC_KEY, id);
    }
    return FilterReply.NEUTRAL;
  }
}
