package io.oscope.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.oscope.routes.HostPort;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in for an OpenStack service: answers every request with JSON saying which cloud and
 * service it is and what it received (method, URI, headers, body size and SHA-256). The body is
 * digested as it streams, never held whole. Used by {@code oscope demo} and by the tests.
 */
public final class StandInService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String cloud;
  private final String service;
  private final DisposableServer server;
  private final AtomicLong received = new AtomicLong();

  private StandInService(String cloud, String service, HostPort listen) {
    this.cloud = cloud;
    this.service = service;
    this.server = HttpServer.create()
        .host(listen.host())
        .port(listen.port())
        // With a channel group, close() also closes kept-alive connections, as a stopped service would.
        .channelGroup(new DefaultChannelGroup(GlobalEventExecutor.INSTANCE))
        .handle((request, response) -> {
          received.incrementAndGet();
          MessageDigest digest = sha256();
          long[] size = {0};
          return request.receive()
              .doOnNext(chunk -> {
                size[0] += chunk.readableBytes();
                digest.update(chunk.nioBuffer());
              })
              .then(Mono.fromCallable(() -> {
                ObjectNode echo = JSON.createObjectNode();
                echo.put("cloud", cloud).put("service", service)
                    .put("method", request.method().name()).put("uri", request.uri());
                ObjectNode headers = echo.putObject("headers");
                for (Map.Entry<String, String> header : request.requestHeaders()) {
                  String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
                  headers.put(name, headers.has(name) ? headers.get(name).asText() + ", " + header.getValue() : header.getValue());
                }
                echo.put("bodyBytes", size[0]).put("bodySha256", HexFormat.of().formatHex(digest.digest()));
                return echo.toPrettyString().getBytes(StandardCharsets.UTF_8);
              }))
              .flatMap(body -> Mono.from(response
                  .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                  .header("X-Served-By", cloud + "/" + service)
                  // As OpenStack's services do (oslo.middleware's request_id filter).
                  .header("X-OpenStack-Request-ID", "req-" + java.util.UUID.randomUUID())
                  .sendByteArray(Mono.just(body))));
        })
        .bindNow();
  }

  /** Starts a stand-in for {@code service} of {@code cloud} on {@code listen} (port 0 for any). */
  public static StandInService start(String cloud, String service, HostPort listen) {
    return new StandInService(cloud, service, listen);
  }

  public HostPort address() {
    InetSocketAddress address = (InetSocketAddress) server.address();
    return new HostPort(address.getAddress().getHostAddress(), address.getPort());
  }

  /** How many requests this service has received. */
  public long received() {
    return received.get();
  }

  public String cloud() {
    return cloud;
  }

  public String service() {
    return service;
  }

  @Override
  public void close() {
    server.disposeNow();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
