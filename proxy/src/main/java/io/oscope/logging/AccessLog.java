package io.oscope.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.charset.Charset;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The access log (logger {@code oscope.access}). Each line is whole as oscope writes it, its time
 * included: the shipped pattern is the message alone, so that a JSON line is pure JSON. Configured
 * as shipped (a {@link BatchingConsoleAppender} alone, the shipped pattern, no filters), a line
 * goes straight to that appender as the bytes logback would have written: without a logging event,
 * its layout and a second copy of the line, a large share of the event loop's time per request
 * (BENCHMARKS.md). Any other configuration gets every line through logback as usual.
 */
public final class AccessLog {
  /** The logger's name. */
  public static final String LOGGER = "oscope.access";
  /** The pattern of the shipped configuration, which {@link #format} writes. */
  static final String SHIPPED_PATTERN = "%msg%n";

  private final org.slf4j.Logger logger;
  /** The shipped appender, written to directly; null when lines go through logback. */
  private final BatchingConsoleAppender direct;
  private final Charset charset;
  private final byte[] lineEnd;

  AccessLog(org.slf4j.Logger logger, BatchingConsoleAppender direct, Charset charset) {
    this.logger = logger;
    this.direct = direct;
    this.charset = charset;
    this.lineEnd = System.lineSeparator().getBytes(charset);
  }

  /** The access log as logback is configured now. */
  public static AccessLog configured() {
    org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER);
    BatchingConsoleAppender shipped = shippedAppender(logger);
    Charset charset = shipped == null ? null : ((PatternLayoutEncoder) shipped.encoder()).getCharset();
    if (charset == null) charset = Charset.defaultCharset(); // what logback's encoder falls back to
    return new AccessLog(logger, shipped, charset);
  }

  /** The one appender of {@code logger} if the configuration is the shipped one; else null. */
  static BatchingConsoleAppender shippedAppender(org.slf4j.Logger logger) {
    if (!(logger instanceof Logger logback) || logback.isAdditive()) return null;
    if (!((LoggerContext) logback.getLoggerContext()).getTurboFilterList().isEmpty()) return null;
    Iterator<Appender<ILoggingEvent>> appenders = logback.iteratorForAppenders();
    if (!appenders.hasNext()) return null;
    Appender<ILoggingEvent> appender = appenders.next();
    if (appenders.hasNext() || !(appender instanceof BatchingConsoleAppender batching)) return null;
    if (!batching.getCopyOfAttachedFiltersList().isEmpty()) return null;
    return batching.encoder() instanceof PatternLayoutEncoder pattern && SHIPPED_PATTERN.equals(pattern.getPattern())
        ? batching : null;
  }

  /** Whether lines are logged at all (the logger's level). */
  public boolean enabled() {
    return logger.isInfoEnabled();
  }

  /** Whether lines skip logback's events (the shipped configuration). */
  boolean direct() {
    return direct != null;
  }

  /** Logs one line, which carries its own time ({@link LogTime}). */
  public void log(String line) {
    if (direct == null) {
      logger.info(line);
    } else if (direct.isStarted()) {
      direct.appendEncoded(format(line));
    }
  }

  /** {@code line} as the shipped pattern writes it. */
  byte[] format(String line) {
    byte[] message = line.getBytes(charset);
    byte[] out = new byte[message.length + lineEnd.length];
    System.arraycopy(message, 0, out, 0, message.length);
    System.arraycopy(lineEnd, 0, out, message.length, lineEnd.length);
    return out;
  }
}
