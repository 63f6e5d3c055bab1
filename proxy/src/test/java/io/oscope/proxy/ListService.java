package io.oscope.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.oscope.routes.HostPort;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in service that holds one sorted collection and pages it as Glance, Nova or Neutron do:
 * {@code limit}, {@code marker}, their sort parameters, their next links; {@code GET} of one item
 * by id. Its {@link Mode} makes it fail, or hold its answer, for the failure tests.
 */
final class ListService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Style { GLANCE, NOVA, NEUTRON }

  /** How it answers. */
  enum Mode { NORMAL, ERROR_500, HANG, CLOSE }

  private final Style style;
  private final String collection;
  private final List<ObjectNode> items;
  private final DisposableServer server;
  private volatile Mode mode = Mode.NORMAL;
  /** The URIs received, in order. */
  final List<String> received = new CopyOnWriteArrayList<>();

  private ListService(Style style, String collection, List<ObjectNode> items) {
    this.style = style;
    this.collection = collection;
    this.items = List.copyOf(items);
    // Compressed for clients that accept it, as a service behind mod_deflate would answer.
    this.server = HttpServer.create().host("127.0.0.1").port(0).compress(true)
        .channelGroup(new DefaultChannelGroup(GlobalEventExecutor.INSTANCE))
        .handle((request, response) -> {
          received.add(request.uri());
          Mode now = mode;
          if (now == Mode.HANG) return Mono.never();
          if (now == Mode.CLOSE) return response.withConnection(c -> c.channel().close()).then();
          if (now == Mode.ERROR_500) {
            return response.status(500).header("content-type", "application/json")
                .sendString(Mono.just("{\"error\": \"boom\"}")).then();
          }
          QueryStringDecoder uri = new QueryStringDecoder(request.uri());
          String path = uri.path();
          String host = request.requestHeaders().get("host");
          if (uri.parameters().containsKey("status") && uri.parameters().get("status").contains("bad")) {
            return json(response, 400, JSON.createObjectNode().put("error", "bad status filter"));
          }
          if (path.endsWith("/" + collection) || path.endsWith("/" + collection + "/detail")) {
            return json(response, 200, page(uri.parameters(), host, path));
          }
          String id = path.substring(path.lastIndexOf('/') + 1);
          for (ObjectNode item : items) {
            if (item.get("id").asText().equals(id)) return json(response, 200, JSON.createObjectNode().set(single(), item));
          }
          return json(response, 404, JSON.createObjectNode().put("error", "no " + id));
        })
        .bindNow();
  }

  static ListService start(Style style, String collection, List<ObjectNode> items) {
    return new ListService(style, collection, items);
  }

  /** {@code count} items with ids {@code <prefix>-NNN}, names and creation times that interleave with other clouds'. */
  static List<ObjectNode> items(String prefix, int count) {
    List<ObjectNode> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ObjectNode item = JSON.createObjectNode();
      item.put("id", prefix + "-" + String.format("%03d", i));
      item.put("name", "n" + (i * 7 % 5));
      item.put("created_at", String.format("2026-01-01T00:%02d:%02dZ", (i * 13) % 60, i % 60));
      items.add(item);
    }
    return items;
  }

  HostPort address() {
    return new HostPort("127.0.0.1", server.port());
  }

  void mode(Mode value) {
    mode = value;
  }

  private String single() {
    return collection.substring(0, collection.length() - 1);
  }

  private static Mono<Void> json(reactor.netty.http.server.HttpServerResponse response, int status, JsonNode body) {
    return response.status(HttpResponseStatus.valueOf(status)).header("content-type", "application/json")
        .sendByteArray(Mono.just(body.toString().getBytes(StandardCharsets.UTF_8))).then();
  }

  private ObjectNode page(Map<String, List<String>> params, String host, String path) {
    List<String[]> order = order(params);
    List<ObjectNode> sorted = new ArrayList<>(items);
    sorted.sort(comparator(order));
    boolean reverse = style == Style.NEUTRON && "True".equalsIgnoreCase(first(params, "page_reverse"));
    String marker = first(params, "marker");
    int limit = params.containsKey("limit") ? Integer.parseInt(first(params, "limit")) : sorted.size();
    int start = 0;
    int end = sorted.size();
    if (marker != null) {
      int at = -1;
      for (int i = 0; i < sorted.size(); i++) {
        if (sorted.get(i).get("id").asText().equals(marker)) at = i;
      }
      if (at < 0) throw new IllegalArgumentException("marker " + marker + " not found");
      if (reverse) end = at;
      else start = at + 1;
    }
    List<ObjectNode> page = reverse ? sorted.subList(Math.max(start, end - limit), end)
        : sorted.subList(start, Math.min(end, start + limit));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray(collection);
    page.forEach(array::add);
    boolean full = params.containsKey("limit") && page.size() == limit;
    if (style == Style.GLANCE) {
      body.put("first", "/v2/images");
      body.put("schema", "/v2/schemas/images");
      if (full) body.put("next", "/v2/images?limit=" + limit + "&marker=" + page.get(page.size() - 1).get("id").asText());
    } else if (full) {
      String last = (reverse ? page.get(0) : page.get(page.size() - 1)).get("id").asText();
      body.putArray(collection + "_links").addObject().put("rel", "next")
          .put("href", "http://" + host + path + "?limit=" + limit + "&marker=" + last);
    }
    return body;
  }

  /** The sort keys asked, each {field, "asc"|"desc"}, or the service's default. */
  private List<String[]> order(Map<String, List<String>> params) {
    List<String[]> order = new ArrayList<>();
    if (style == Style.GLANCE && params.containsKey("sort")) {
      for (String key : first(params, "sort").split(",")) {
        String[] parts = key.split(":");
        order.add(new String[] {parts[0], parts.length > 1 ? parts[1] : "desc"});
      }
    }
    List<String> keys = params.getOrDefault("sort_key", List.of());
    List<String> dirs = params.getOrDefault("sort_dir", List.of());
    String defaultDir = style == Style.NEUTRON ? "asc" : "desc";
    for (int i = 0; i < keys.size(); i++) order.add(new String[] {keys.get(i), i < dirs.size() ? dirs.get(i) : defaultDir});
    if (order.isEmpty()) {
      if (style == Style.NEUTRON) order.add(new String[] {"id", "asc"});
      else order.add(new String[] {"created_at", "desc"});
    }
    if (order.stream().noneMatch(k -> k[0].equals("id"))) order.add(new String[] {"id", order.get(order.size() - 1)[1]});
    return order;
  }

  private static Comparator<ObjectNode> comparator(List<String[]> order) {
    Comparator<ObjectNode> all = (a, b) -> 0;
    for (String[] key : order) {
      Comparator<ObjectNode> one = Comparator.comparing(item -> item.path(key[0]).asText());
      all = all.thenComparing(key[1].equals("asc") ? one : one.reversed());
    }
    return all;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  @Override
  public void close() {
    server.disposeNow();
  }
}
