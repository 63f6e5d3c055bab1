package io.oscope.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The access lines the proxies of this JVM write while it is open (the tests' logback
 * configuration sends them through logback). A line is written when its exchange ends, which can
 * be just after the client has its answer: {@link #await} waits for them.
 */
final class AccessLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("oscope.access");
  private final List<String> lines = new ArrayList<>();
  private final Semaphore written = new Semaphore(0);

  AccessLines() {
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    synchronized (lines) {
      lines.add(event.getFormattedMessage());
      lines.notifyAll();
    }
    written.release();
  }

  /** The first {@code count} lines, once written (at most 10 s). */
  List<String> await(int count) throws InterruptedException {
    if (!written.tryAcquire(count, 10, TimeUnit.SECONDS)) throw new AssertionError("fewer than " + count + " lines: " + all());
    written.release(count);
    return all().subList(0, count);
  }

  /** The first line that contains {@code text}, once written (at most 10 s). */
  String awaitContaining(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (lines) {
      for (int seen = 0; ; ) {
        for (; seen < lines.size(); seen++) {
          if (lines.get(seen).contains(text)) return lines.get(seen);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no line containing " + text + " in " + lines);
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
  }

  /** Every line so far, once {@code count} of them match {@code wanted} (at most 10 s). */
  List<String> awaitMatching(Predicate<String> wanted, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (lines) {
      while (lines.stream().filter(wanted).count() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("fewer than " + count + " matching lines in " + lines);
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
      return List.copyOf(lines);
    }
  }

  List<String> all() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
