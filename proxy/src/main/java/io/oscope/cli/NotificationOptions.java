package io.oscope.cli;

import io.oscope.notify.NotificationTarget;
import io.oscope.notify.Notifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options of oslo.messaging notifications, shared by {@code oscope proxy} and {@code oscope
 * tenant} (inherited by its subcommands: {@code oscope tenant maintenance on P --notifications URL}).
 */
final class NotificationOptions {
  @Option(names = "--notifications", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "Send tenant events (maintenance on/off, refused requests) as oslo.messaging notifications to"
          + " this RabbitMQ: amqp://USER:PASSWORD@HOST:PORT/VHOST (amqps:// for TLS; the vhost of the cloud's"
          + " transport_url). The password is never logged.")
  String url;

  @Option(names = "--notifications-exchange", scope = ScopeType.INHERIT, paramLabel = "NAME", defaultValue = "openstack",
      description = "The topic exchange, as oslo.messaging's control_exchange (default: ${DEFAULT-VALUE}).")
  String exchange;

  @Option(names = "--notifications-topic", scope = ScopeType.INHERIT, paramLabel = "TOPIC", defaultValue = "notifications",
      description = "The notification topic; messages go with routing key TOPIC.info (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--notifications-durable", scope = ScopeType.INHERIT,
      description = "Declare the exchange and queue durable: only if the services on this broker set"
          + " [oslo_messaging_rabbit] amqp_durable_queues = true, or RabbitMQ refuses the declaration.")
  boolean durable;

  /**
   * The notifier, or {@code null} without {@code --notifications}.
   *
   * @throws IllegalArgumentException for a URL that is not one, naming what is wrong
   */
  Notifier start(Consumer<String> outcomes) {
    if (url == null) return null;
    return Notifier.start(NotificationTarget.parse(url, exchange, topic, durable), publisherId(), outcomes);
  }

  /** oslo's publisher_id, as services give it: {@code <service>.<host>}. */
  private static String publisherId() {
    try {
      return "oscope." + InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "oscope";
    }
  }
}
