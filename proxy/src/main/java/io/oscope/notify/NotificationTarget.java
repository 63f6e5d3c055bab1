package io.oscope.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where notifications go: a RabbitMQ broker (the URL of {@code --notifications}), the topic
 * exchange of oslo.messaging's {@code control_exchange} and the notification topic. The URL's
 * password is kept out of {@link #toString()}: a target can be logged.
 *
 * <pre>{@code
 * NotificationTarget target = NotificationTarget.parse("amqp://oscope:secret@127.0.0.1:5672/CloudOne",
 *     "openstack", "notifications", false);
 * target.routingKey()  // "notifications.info"
 * }</pre>
 *
 * @param durable whether the exchange and queue are durable: as oslo.messaging's {@code
 *     [oslo_messaging_rabbit] amqp_durable_queues} of the services on the same broker (default
 *     false), or declaring them fails with RabbitMQ's PRECONDITION_FAILED
 */
public record NotificationTarget(String host, int port, boolean tls, String username, String password,
    String virtualHost, String exchange, String topic, boolean durable) {

  public NotificationTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(virtualHost, "virtualHost");
    if (exchange == null || exchange.isBlank()) throw new IllegalArgumentException("the notification exchange is empty");
    if (topic == null || topic.isBlank()) throw new IllegalArgumentException("the notification topic is empty");
  }

  /**
   * Reads {@code amqp://USER:PASSWORD@HOST:PORT/VHOST} ({@code amqps://} for TLS; {@code rabbit://},
   * as in an OpenStack {@code transport_url}, is {@code amqp://}). No path or {@code /} is the
   * vhost {@code /}.
   *
   * @throws IllegalArgumentException naming what is wrong, never the password
   */
  public static NotificationTarget parse(String url, String exchange, String topic, boolean durable) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--notifications is not a URL (amqp://USER:PASSWORD@HOST:PORT/VHOST)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean tls = scheme.equals("amqps");
    if (!tls && !scheme.equals("amqp") && !scheme.equals("rabbit")) {
      throw new IllegalArgumentException("--notifications must be an amqp://, amqps:// or rabbit:// URL, not '"
          + scheme + "://…'");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("--notifications names no host (one broker: amqp://USER:PASSWORD@HOST:PORT/VHOST)");
    }
    String user = "guest";
    String password = "guest";
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? "" : decode(info.substring(colon + 1));
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String vhost = path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 5671 : 5672;
    return new NotificationTarget(uri.getHost(), port, tls, user, password, vhost, exchange, topic, durable);
  }

  /** The routing key and queue of INFO notifications, as oslo.messaging's {@code <topic>.info}. */
  public String routingKey() {
    return topic + ".info";
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The URL without its password, and where messages go. */
  @Override
  public String toString() {
    return (tls ? "amqps" : "amqp") + "://" + username + "@" + host + ":" + port + "/"
        + (virtualHost.equals("/") ? "" : virtualHost) + " (exchange " + exchange + ", routing key " + routingKey() + ")";
  }
}
