package dev.sekisho.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The lines one logger (and those below it) writes while open, for tests that assert what reaches the
 * operators' log: {@code try (LogCapture log = LogCapture.all()) { ... }}.
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger;

  private LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    appender.start();
    logger.addAppender(appender);
  }

  /** Every line of the process (the root logger). */
  public static LogCapture all() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** The lines of one logger, such as the access log's "sekisho.access". */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** The messages so far. */
  public List<String> messages() {
    return List.copyOf(appender.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** "logger: message" of each line at this level or above. */
  public List<String> atLeast(Level level) {
    return List.copyOf(appender.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
  }

  /** How many messages begin so. */
  public long lines(String prefix) {
    return messages().stream().filter(m -> m.startsWith(prefix)).count();
  }

  /** Waits (30 s at most) until that many messages begin so, then a little longer: connections' own failures come after the answers. */
  public void awaitLines(String prefix, long count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (lines(prefix) < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(500);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
