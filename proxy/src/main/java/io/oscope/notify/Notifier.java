package io.oscope.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events as oslo.messaging notifications ({@link OsloEnvelope}) to RabbitMQ, where
 * OpenStack's services and tools such as Pumphouse listen. {@link #notify} never blocks: it hands
 * the event to one background thread through a bounded queue, and when the queue is full the event
 * is dropped and counted (logged once per run of drops). The thread connects lazily, with the AMQP
 * client's automatic recovery; while RabbitMQ cannot take a message, that message is counted as
 * failed and not retried (the log and the metric still have the event).
 *
 * <p>Like oslo's rabbit driver it declares the topic exchange and the queue {@code <topic>.info}
 * bound to it, so that notifications wait there until a consumer comes.
 *
 * <pre>{@code
 * Notifier notifier = Notifier.start(target, "oscope.host1", result -> metrics.notification(result));
 * notifier.notify("oscope.tenant.maintenance.on", payload);
 * }</pre>
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  /** Events waiting for the thread; beyond, RabbitMQ is too slow and they are dropped. */
  static final int CAPACITY = 1024;
  private static final Duration RECONNECT = Duration.ofSeconds(5);
  private static final Runnable STOP = () -> { };

  private final NotificationTarget target;
  private final String publisherId;
  private final Consumer<String> outcomes;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private final AtomicBoolean dropping = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Clock clock = Clock.systemUTC();
  // The thread's own, unshared.
  private Connection connection;
  private Channel channel;
  private long nextConnect;
  private boolean failing;

  private record Event(String type, ObjectNode payload) { }

  private Notifier(NotificationTarget target, String publisherId, Consumer<String> outcomes, int capacity) {
    this.target = target;
    this.publisherId = publisherId;
    this.outcomes = outcomes;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "oscope-notifier");
    thread.setDaemon(true);
  }

  /**
   * Starts the thread, which connects at once (a wrong URL shows in the log at start).
   *
   * @param publisherId oslo's publisher_id, as services use {@code <service>.<host>}
   * @param outcomes told {@code sent}, {@code dropped} or {@code failed} for every event
   */
  public static Notifier start(NotificationTarget target, String publisherId, Consumer<String> outcomes) {
    return start(target, publisherId, outcomes, CAPACITY);
  }

  static Notifier start(NotificationTarget target, String publisherId, Consumer<String> outcomes, int capacity) {
    Notifier notifier = new Notifier(target, publisherId, outcomes, capacity);
    LOG.info("notifications to {}", target);
    notifier.thread.start();
    return notifier;
  }

  /** Queues an INFO notification of {@code eventType}; never blocks. */
  public void notify(String eventType, ObjectNode payload) {
    if (queue.offer(new Event(eventType, payload))) {
      dropping.set(false);
      return;
    }
    dropped.incrementAndGet();
    outcomes.accept("dropped");
    if (dropping.compareAndSet(false, true)) {
      LOG.warn("notification queue full ({} events): RabbitMQ at {} takes them slower than they come; dropping"
          + " notifications (oscope_notifications_total{result=\"dropped\"})", queue.size(), target);
    }
  }

  /** Where notifications go (its text has no password). */
  public NotificationTarget target() {
    return target;
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  public long dropped() {
    return dropped.get();
  }

  private void run() {
    connect();
    while (true) {
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        break;
      }
      if (next == STOP) break;
      publish((Event) next);
    }
    disconnect();
  }

  private void publish(Event event) {
    try {
      if (channel == null) connect();
      if (channel == null) throw new IOException("not connected");
      channel.basicPublish(target.exchange(), target.routingKey(), properties(),
          OsloEnvelope.of(publisherId, event.type(), event.payload(), clock.instant()));
      sent.incrementAndGet();
      outcomes.accept("sent");
      if (failing) LOG.info("notifications to {} are sent again", target);
      failing = false;
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      outcomes.accept("failed");
      if (!failing) LOG.warn("notification {} not sent to {}: {}", event.type(), target, e.getMessage());
      failing = true;
    }
  }

  private AMQP.BasicProperties properties() {
    return new AMQP.BasicProperties.Builder()
        .contentType("application/json").contentEncoding("utf-8")
        .deliveryMode(target.durable() ? 2 : 1)
        .build();
  }

  /** Connects and declares, at most once per {@link #RECONNECT}; afterwards the client recovers by itself. */
  private void connect() {
    long now = System.nanoTime();
    if (connection != null || now - nextConnect < 0) return;
    nextConnect = now + RECONNECT.toNanos();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(target.host());
    factory.setPort(target.port());
    factory.setUsername(target.username());
    factory.setPassword(target.password());
    factory.setVirtualHost(target.virtualHost());
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(RECONNECT.toMillis());
    factory.setConnectionTimeout(10_000);
    try {
      if (target.tls()) {
        factory.useSslProtocol(SSLContext.getDefault());
        factory.enableHostnameVerification();
      }
      Connection opened = factory.newConnection("oscope " + publisherId);
      Channel opening = opened.createChannel();
      // As oslo's notify_send: a topic exchange, and a queue named as the routing key bound to it.
      opening.exchangeDeclare(target.exchange(), "topic", target.durable(), false, null);
      opening.queueDeclare(target.routingKey(), target.durable(), false, false, null);
      opening.queueBind(target.routingKey(), target.exchange(), target.routingKey());
      connection = opened;
      channel = opening;
      LOG.info("connected to RabbitMQ at {}", target);
    } catch (IOException | java.util.concurrent.TimeoutException | NoSuchAlgorithmException | RuntimeException e) {
      if (!failing) LOG.warn("cannot connect to RabbitMQ at {}: {}", target, describe(e));
      failing = true;
    }
  }

  /** The broker's reason when it closed the channel (e.g. PRECONDITION_FAILED), else the message. */
  private static String describe(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  private void disconnect() {
    if (connection == null) return;
    try {
      connection.close(2_000);
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing the RabbitMQ connection: {}", e.getMessage());
    }
  }

  /** Sends what is queued, for at most {@code grace}, then closes the connection. */
  public void close(Duration grace) {
    boolean queued;
    try {
      queued = queue.offer(STOP, grace.toMillis(), TimeUnit.MILLISECONDS);
      if (queued) thread.join(Math.max(1, grace.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) thread.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
