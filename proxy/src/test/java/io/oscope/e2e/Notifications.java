package io.oscope.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a Pumphouse-like tool hears on a cloud's RabbitMQ: oslo.messaging notifications on the
 * exchange {@code openstack} with routing key {@code notifications.info}, received on a queue of
 * the test's own (exclusive, bound like oslo's), so the shared {@code notifications.info} queue and
 * its other consumers are left alone. Each message is the {@code oslo.message} of its envelope.
 */
final class Notifications implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXCHANGE = "openstack";
  private static final String ROUTING_KEY = "notifications.info";

  private final Connection connection;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final List<JsonNode> seen = new ArrayList<>();

  /** Listens on {@code url} ({@code amqp://user:password@host:port/vhost}, as the proxies are given). */
  Notifications(String url) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url.replaceFirst("^rabbit://", "amqp://"));
    connection = factory.newConnection("oscope-e2e");
    Channel channel = connection.createChannel();
    channel.exchangeDeclare(EXCHANGE, "topic", false, false, null);
    String queue = channel.queueDeclare().getQueue();
    channel.queueBind(queue, EXCHANGE, ROUTING_KEY);
    channel.basicConsume(queue, true, (tag, delivery) -> {
      JsonNode envelope = JSON.readTree(delivery.getBody());
      received.add(JSON.readTree(envelope.path("oslo.message").asText()));
    }, tag -> { });
  }

  /**
   * The first notification (in arrival order, since listening began) matching {@code wanted},
   * waiting up to {@code seconds} for it; every notification stays available to later calls.
   */
  JsonNode await(String what, Predicate<JsonNode> wanted, long seconds) throws InterruptedException {
    for (JsonNode message : seen) {
      if (wanted.test(message)) return message;
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      JsonNode message = received.poll(left, TimeUnit.NANOSECONDS);
      if (message == null) break;
      seen.add(message);
      if (wanted.test(message)) return message;
    }
    throw new AssertionError("no notification " + what + " within " + seconds + " s; received: " + seen);
  }

  /** A predicate on a notification's event type and a payload field. */
  static Predicate<JsonNode> event(String type, String field, String value) {
    return m -> m.path("event_type").asText().equals(type) && m.path("payload").path(field).asText().equals(value);
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
