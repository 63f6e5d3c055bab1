package io.oscope.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Notifications through a real RabbitMQ, read as oslo.messaging's listeners read them. */
class NotifierTest {
  @RegisterExtension
  static final RabbitBroker RABBIT = new RabbitBroker();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode payload() {
    return JsonNodeFactory.instance.objectNode().put("project_id", "p1").put("project_name", "demo")
        .put("reason", "moving to CloudTwo");
  }

  /** Sends one event on {@code topic} and waits for the thread to have dealt with it. */
  private static Notifier sendOne(String topic, List<String> outcomes) {
    Notifier notifier = Notifier.start(NotificationTarget.parse(RABBIT.url(), "openstack", topic, false),
        "oscope.test-host", outcomes::add);
    notifier.notify("oscope.tenant.maintenance.on", payload());
    notifier.close(Duration.ofSeconds(30));
    return notifier;
  }

  @Test
  void anEventWaitsInTheTopicsInfoQueueInOslosEnvelopeWithNoConsumerYet() throws Exception {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    Notifier notifier = sendOne("waiting", outcomes);
    assertThat(outcomes).containsExactly("sent");
    assertThat(notifier.sent()).isEqualTo(1);

    try (Connection connection = RABBIT.factory().newConnection(); Channel channel = connection.createChannel()) {
      GetResponse got = channel.basicGet("waiting.info", true);
      assertThat(got).as("the message waits in the queue declared as oslo does").isNotNull();
      assertThat(got.getEnvelope().getExchange()).isEqualTo("openstack");
      assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("waiting.info");
      assertThat(got.getProps().getContentType()).isEqualTo("application/json");
      JsonNode envelope = JSON.readTree(got.getBody());
      assertThat(envelope.path("oslo.version").asText()).isEqualTo("2.0");
      assertThat(envelope.path("oslo.message").isTextual()).as("the message is a JSON string in the envelope").isTrue();
      JsonNode message = JSON.readTree(envelope.path("oslo.message").asText());
      assertThat(message.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.on");
      assertThat(message.path("publisher_id").asText()).isEqualTo("oscope.test-host");
      assertThat(message.path("priority").asText()).isEqualTo("INFO");
      assertThat(message.path("message_id").asText()).matches("[0-9a-f-]{36}");
      assertThat(message.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
      assertThat(message.path("payload")).isEqualTo(payload());
      // As oslo's driver declares them (amqp_durable_queues and amqp_auto_delete false): the same
      // declaration succeeds, so a service that declared them first and oscope never conflict.
      channel.exchangeDeclare("openstack", "topic", false, false, null);
      channel.queueDeclare("waiting.info", false, false, false, null);
    }
  }

  @Test
  void anOsloMessagingListenerAcceptsIt() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(python) && new ProcessBuilder(python.toString(),
        "-c", "import oslo_messaging").start().waitFor() == 0, "python3-oslo.messaging is not installed");
    Path script = Files.createTempFile("oslo_listener", ".py");
    try (var in = NotifierTest.class.getResourceAsStream("oslo_listener.py")) {
      Files.write(script, in.readAllBytes());
    }
    String transportUrl = "rabbit://" + RabbitBroker.USER + ":" + RABBIT.password() + "@127.0.0.1:" + RABBIT.port()
        + "/" + RabbitBroker.VHOST;
    Process listener = new ProcessBuilder(python.toString(), script.toString(), transportUrl, "openstack",
        "notifications", "1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
      sendOne("notifications", new CopyOnWriteArrayList<>());
      String line = out.readLine();
      assertThat(listener.waitFor(90, TimeUnit.SECONDS)).isTrue();
      assertThat(listener.exitValue()).as("the listener got the notification: %s", line).isZero();
      JsonNode received = JSON.readTree(line).get(0);
      assertThat(received.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.on");
      assertThat(received.path("publisher_id").asText()).isEqualTo("oscope.test-host");
      assertThat(received.path("payload")).isEqualTo(payload());
      assertThat(received.path("metadata").path("message_id").asText()).isNotEmpty();
      assertThat(received.path("metadata").path("timestamp").asText()).isNotEmpty();
    } finally {
      listener.destroyForcibly();
      Files.deleteIfExists(script);
    }
  }

  @Test
  void aBrokerThatCannotBeReachedFailsTheEventWithoutBlockingAndTheLogHasNoPassword() {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    NotificationTarget nowhere = NotificationTarget.parse("amqp://notify:s3cret-pw@127.0.0.1:1/CloudOne",
        "openstack", "notifications", false);
    Notifier notifier = Notifier.start(nowhere, "oscope.test-host", outcomes::add);
    notifier.notify("oscope.tenant.request.refused", payload());
    notifier.close(Duration.ofSeconds(30));
    assertThat(outcomes).containsExactly("failed");
    assertThat(nowhere.toString()).doesNotContain("s3cret-pw")
        .isEqualTo("amqp://notify@127.0.0.1:1/CloudOne (exchange openstack, routing key notifications.info)");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    List<String> outcomes = new CopyOnWriteArrayList<>();
    // Port 1 refuses: the thread's connection attempt holds it; a queue of one fills at once.
    Notifier notifier = Notifier.start(NotificationTarget.parse("amqp://u:p@127.0.0.1:1/", "openstack",
        "notifications", false), "oscope.test-host", outcomes::add, 1);
    for (int i = 0; i < 50; i++) notifier.notify("oscope.tenant.request.refused", payload());
    notifier.close(Duration.ofSeconds(30));
    assertThat(notifier.dropped()).isPositive();
    assertThat(notifier.sent() + notifier.failed() + notifier.dropped()).isEqualTo(50);
    assertThat(outcomes).hasSize(50).contains("dropped").doesNotContain("sent");
  }

  @Test
  void urlsAreReadAsAmqpUrisAndBadOnesNamedWithoutThePassword() {
    NotificationTarget target = NotificationTarget.parse("rabbit://oscope:p%40ss@rabbit.example:5673/", "nova",
        "events", true);
    assertThat(target.password()).isEqualTo("p@ss");
    assertThat(target.virtualHost()).isEqualTo("/");
    assertThat(target.port()).isEqualTo(5673);
    assertThat(target.routingKey()).isEqualTo("events.info");
    assertThat(NotificationTarget.parse("amqps://h", "openstack", "notifications", false).port()).isEqualTo(5671);
    assertThatThrownBy(() -> NotificationTarget.parse("http://u:secret@h/", "openstack", "notifications", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqp://").hasMessageNotContaining("secret");
  }
}
