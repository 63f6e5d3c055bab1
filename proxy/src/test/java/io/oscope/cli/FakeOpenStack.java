package io.oscope.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oscope.routes.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough Keystone v3 and Glance v2 for {@code openstack image list}: version discovery, a
 * token whose catalogue points at the cloud's proxy, and an image list with the cloud's own image
 * ID. Paths are matched on their ends, so it serves whatever prefix its proxy publishes it under.
 * Records every request it receives.
 */
final class FakeOpenStack implements AutoCloseable {
  /** One received request. */
  record Received(String method, String path, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> values = headers.get(name.substring(0, 1).toUpperCase() + name.substring(1).toLowerCase());
      return values == null ? null : String.join(",", values);
    }
  }

  final String cloud;
  final String imageId;
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private String catalogIdentity;
  private String catalogImage;

  FakeOpenStack(String cloud, String imageId) throws IOException {
    this.cloud = cloud;
    this.imageId = imageId;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Where the token's catalogue sends clients (the cloud's proxy). */
  void catalog(String identityUrl, String imageUrl) {
    this.catalogIdentity = identityUrl;
    this.catalogImage = imageUrl;
  }

  HostPort address() {
    return new HostPort("127.0.0.1", server.getAddress().getPort());
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    received.add(new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders())));
    exchange.getRequestBody().readAllBytes();
    String self = "http://" + exchange.getRequestHeaders().getFirst("Host") + path.replaceAll("/+$", "");
    if (exchange.getRequestMethod().equals("POST") && path.endsWith("/v3/auth/tokens")) {
      reply(exchange, 201, token(), "tok-" + cloud);
    } else if (path.matches(".*/v3/?")) {
      reply(exchange, 200, """
          {"version": {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
           "links": [{"rel": "self", "href": "%s/"}],
           "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}}
          """.formatted(self), null);
    } else if (path.endsWith("/v2/images")) {
      reply(exchange, 200, """
          {"images": [{"id": "%s", "name": "cirros", "status": "active", "visibility": "public"}],
           "first": "/v2/images", "schema": "/v2/schemas/images"}""".formatted(imageId), null);
    } else {
      reply(exchange, 300, """
          {"versions": [{"id": "v2.9", "status": "CURRENT", "links": [{"rel": "self", "href": "%s/v2/"}]}]}
          """.formatted(self), null);
    }
  }

  private String token() {
    return """
        {"token": {"methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
          "issued_at": "2020-01-01T00:00:00.000000Z", "audit_ids": ["a"],
          "user": {"id": "u", "name": "demo", "domain": {"id": "default", "name": "Default"}},
          "project": {"id": "p", "name": "demo", "domain": {"id": "default", "name": "Default"}},
          "roles": [{"id": "r", "name": "member"}],
          "catalog": [%s, %s]}}""".formatted(service("identity", catalogIdentity), service("image", catalogImage));
  }

  private String service(String type, String url) {
    StringBuilder endpoints = new StringBuilder();
    for (String iface : List.of("public", "internal", "admin")) {
      if (endpoints.length() > 0) endpoints.append(", ");
      endpoints.append("{\"id\": \"%s-%s\", \"interface\": \"%s\", \"region\": \"%s\", \"region_id\": \"%s\", \"url\": \"%s\"}"
          .formatted(type, iface, iface, cloud, cloud, url));
    }
    return "{\"type\": \"%s\", \"id\": \"%s-id\", \"name\": \"%s\", \"endpoints\": [%s]}".formatted(type, type, type, endpoints);
  }

  private static void reply(HttpExchange exchange, int status, String body, String subjectToken) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (subjectToken != null) exchange.getResponseHeaders().set("X-Subject-Token", subjectToken);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
