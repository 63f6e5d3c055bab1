package io.oscope.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A console appender for busy loggers such as the access log: the logging thread encodes the event
 * and queues its bytes; a background thread writes what has queued every {@code flushMillis}
 * (default 50), with one {@code write(2)} per batch instead of one per line. Unlike logback's
 * AsyncAppender, the logging thread never wakes the writer (a futex call and a context switch per
 * line, measured in BENCHMARKS.md). Encoding where the event happens keeps the writer's turns
 * short: on a proxy sharing its core, a writer that formats a whole batch at once holds the core
 * long enough to show in the latency's 99th percentile (BENCHMARKS.md). Lines are never dropped:
 * when the queue is full, the logging thread waits.
 *
 * <pre>{@code
 * <appender name="ACCESS" class="io.oscope.logging.BatchingConsoleAppender">
 *   <target>System.err</target>
 *   <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
 * </appender>
 * }</pre>
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private Encoder<ILoggingEvent> encoder;
  private String target = "System.out";
  private int queueSize = 16_384;
  private long flushMillis = 50;
  private ArrayBlockingQueue<byte[]> queue;
  private OutputStream out;
  private Thread writer;
  private volatile boolean stopping;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  Encoder<ILoggingEvent> encoder() {
    return encoder;
  }

  /** {@code System.out} (default) or {@code System.err}. */
  public void setTarget(String target) {
    this.target = target;
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushMillis(long flushMillis) {
    this.flushMillis = flushMillis;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    FileDescriptor descriptor = switch (target) {
      case "System.out" -> FileDescriptor.out;
      case "System.err" -> FileDescriptor.err;
      default -> null;
    };
    if (descriptor == null) {
      addError("target must be System.out or System.err, not " + target);
      return;
    }
    out = new BufferedOutputStream(new FileOutputStream(descriptor), 64 * 1024);
    queue = new ArrayBlockingQueue<>(queueSize);
    writer = new Thread(this::writeLoop, "oscope-log-writer-" + name);
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    appendEncoded(encoder.encode(event)); // logback's encoders are thread-safe
  }

  /** Queues a line already encoded (see {@link AccessLog}). */
  void appendEncoded(byte[] line) {
    if (queue.offer(line)) return;
    LockSupport.unpark(writer); // full: write now rather than at the next tick
    try {
      queue.put(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeLoop() {
    List<byte[]> batch = new ArrayList<>(1024);
    while (!stopping) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(flushMillis));
      drain(batch);
    }
    drain(batch);
  }

  private void drain(List<byte[]> batch) {
    while (queue.drainTo(batch, 1024) > 0) {
      try {
        for (byte[] line : batch) out.write(line);
      } catch (IOException e) {
        addError("cannot write log events", e);
      } finally {
        batch.clear();
      }
    }
    try {
      out.flush();
    } catch (IOException e) {
      addError("cannot flush log events", e);
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) return;
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    super.stop();
  }
}
