package dev.sekisho.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * {@code log.format}: {@code text} (key=value lines) or {@code json} (one JSON object per line,
 * logback's own JsonEncoder: timestamp, level, logger, thread, MDC with the request id, the
 * formatted message and any stack trace; no raw arguments, which would repeat the message's values).
 */
public enum LogFormat {
  TEXT, JSON;

  /** The text layout; logback.xml holds the same pattern for the lines before the configuration is read. */
  public static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%logger{0} thread=%thread request=%X{requestId:--} %msg%n";

  public static LogFormat parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("must be text or json");
    };
  }

  /** A started encoder of this format. */
  public Encoder<ILoggingEvent> encoder(LoggerContext context) {
    Encoder<ILoggingEvent> encoder;
    if (this == JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      encoder = json;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(PATTERN);
      encoder = text;
    }
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  /** Switches the console appender of logback.xml to this format. */
  public void apply() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getAppender("STDOUT") instanceof ConsoleAppender<ILoggingEvent> console) {
      Encoder<ILoggingEvent> encoder = encoder(context);
      console.stop();
      console.setEncoder(encoder);
      console.start();
    }
  }
}
