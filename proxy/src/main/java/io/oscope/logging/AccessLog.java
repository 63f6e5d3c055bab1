package io.oscope.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The access log (logger {@code oscope.access}). Configured as shipped (a
 * {@link BatchingConsoleAppender} alone, the shipped pattern, no filters), a line goes straight to
 * that appender as the bytes logback would have written: without a logging event, its layout and
 * a second copy of the line, a large share of the event loop's time per request (BENCHMARKS.md). Any other configuration gets every line through logback as usual.
 */
public final class AccessLog {
  /** The logger's name. */
  public static final String LOGGER = "oscope.access";
  /** The pattern of the shipped configuration, which {@link #format} writes. */
  static final String SHIPPED_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";
  private static final String AFTER_TIME = " INFO  " + LOGGER + " - ";

  private final org.slf4j.Logger logger;
  /** The shipped appender, written to directly; null when lines go through logback. */
  private final BatchingConsoleAppender direct;
  private final Charset charset;
  private final byte[] afterTime;
  private final byte[] lineEnd;
  private final ZoneId zone;
  /** "HH:mm:ss." of the second met last; shared by the event loops without a lock (immutable). */
  private volatile Second second;

  private record Second(long epochSecond, byte[] text) {}

  AccessLog(org.slf4j.Logger logger, BatchingConsoleAppender direct, Charset charset, ZoneId zone) {
    this.logger = logger;
    this.direct = direct;
    this.charset = charset;
    this.afterTime = AFTER_TIME.getBytes(charset);
    this.lineEnd = System.lineSeparator().getBytes(charset);
    this.zone = zone;
  }

  /** The access log as logback is configured now. */
  public static AccessLog configured() {
    org.slf4j.Logger logger = LoggerFactory.getLogger(LOGGER);
    BatchingConsoleAppender shipped = shippedAppender(logger);
    Charset charset = shipped == null ? null : ((PatternLayoutEncoder) shipped.encoder()).getCharset();
    if (charset == null) charset = Charset.defaultCharset(); // what logback's encoder falls back to
    if ("0".getBytes(charset).length != 1) shipped = null; // digits are written as ASCII bytes
    return new AccessLog(logger, shipped, charset, ZoneId.systemDefault());
  }

  /** The one appender of {@code logger} if the configuration is the shipped one; else null. */
  private static BatchingConsoleAppender shippedAppender(org.slf4j.Logger logger) {
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

  /** Logs one line. */
  public void log(String line) {
    if (direct == null) {
      logger.info(line);
    } else if (direct.isStarted()) {
      direct.appendEncoded(format(System.currentTimeMillis(), line));
    }
  }

  /** {@code line} as the shipped pattern writes it for an event at {@code epochMillis}. */
  byte[] format(long epochMillis, String line) {
    byte[] time = secondText(Math.floorDiv(epochMillis, 1000));
    byte[] message = line.getBytes(charset);
    byte[] out = new byte[time.length + 3 + afterTime.length + message.length + lineEnd.length];
    System.arraycopy(time, 0, out, 0, time.length);
    int at = time.length;
    int millis = (int) Math.floorMod(epochMillis, 1000);
    out[at++] = (byte) ('0' + millis / 100);
    out[at++] = (byte) ('0' + millis / 10 % 10);
    out[at++] = (byte) ('0' + millis % 10);
    System.arraycopy(afterTime, 0, out, at, afterTime.length);
    at += afterTime.length;
    System.arraycopy(message, 0, out, at, message.length);
    System.arraycopy(lineEnd, 0, out, at + message.length, lineEnd.length);
    return out;
  }

  private byte[] secondText(long epochSecond) {
    Second last = second;
    if (last != null && last.epochSecond == epochSecond) return last.text;
    LocalTime time = LocalTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone);
    String text = String.format("%02d:%02d:%02d.", time.getHour(), time.getMinute(), time.getSecond());
    Second now = new Second(epochSecond, text.getBytes(charset));
    second = now;
    return now.text;
  }
}
