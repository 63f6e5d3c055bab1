package io.oscope.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The state changes the balancer logs for operators ("upstream A is DOWN", "is UP again", "is no
 * longer in the route table"), as events a test waits on: "A down", "A up", "A forgotten".
 */
final class StateChanges extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger(Balancer.class);
  private final BlockingQueue<String> changes = new LinkedBlockingQueue<>();

  StateChanges() {
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getMessage();
    Object address = event.getArgumentArray() == null ? null : event.getArgumentArray()[0];
    if (message.contains("is DOWN")) changes.add(address + " down");
    else if (message.contains("is UP again")) changes.add(address + " up");
    else if (message.contains("forgotten")) changes.add(address + " forgotten");
  }

  /** The next change, waiting for it at most 30 s. */
  String next() throws InterruptedException {
    String change = changes.poll(30, TimeUnit.SECONDS);
    assertThat(change).as("a state change within 30 s").isNotNull();
    return change;
  }

  /** Whether no change was logged since the last one taken. */
  boolean none() {
    return changes.isEmpty();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
