package io.oscope.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a walk through a merged list is, in every cloud: after which item, or at the end. Clients
 * see it as an opaque {@code marker}: {@code f1.<payload>.<tag>}, base64url, the tag an HMAC of the
 * payload by the {@link MarkerKey}. The payload also names the list call and its order, so a
 * marker cannot be replayed on another list or with another sort.
 *
 * @param call the list call's {@link ListCall#name()}
 * @param walk the order and direction ({@link ListQuery#walk()})
 * @param positions each cloud's position, in the order of the expression's operands
 */
public record CompositeMarker(String call, String walk, Map<String, Position> positions) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "f1.";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  public CompositeMarker {
    positions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(positions));
  }

  /**
   * One cloud's position.
   *
   * @param after the marker of the last item taken from the cloud, or null if none yet
   * @param exhausted whether the cloud has nothing after it
   */
  public record Position(String after, boolean exhausted) {
    public static final Position START = new Position(null, false);
    public static final Position END = new Position(null, true);
  }

  /** Whether no cloud has anything more. */
  public boolean exhausted() {
    return positions.values().stream().allMatch(Position::exhausted);
  }

  /** The text a client gets. */
  public String encode(MarkerKey key) {
    ArrayNode root = JSON.createArrayNode().add(call).add(walk);
    positions.forEach((cloud, position) -> {
      ArrayNode entry = root.addArray().add(cloud);
      if (position.exhausted()) entry.add(true);
      else entry.add(position.after());
    });
    byte[] payload = root.toString().getBytes(StandardCharsets.UTF_8);
    return PREFIX + ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(key.tag(payload));
  }

  /**
   * The marker {@code text} names, checked: issued with {@code key} for {@code query}'s call and
   * walk, over exactly {@code clouds}.
   *
   * @throws BadListRequest if it is not such a marker: altered, another list's, or not one at all
   */
  public static CompositeMarker decode(String text, MarkerKey key, ListQuery query, List<String> clouds) {
    if (!text.startsWith(PREFIX)) {
      throw new BadListRequest("marker '" + abbreviated(text) + "' was not issued by this fan-out over "
          + String.join(" & ", clouds) + ": a merged list takes only the markers of its own next links");
    }
    int dot = text.indexOf('.', PREFIX.length());
    byte[] payload;
    byte[] tag;
    try {
      payload = DECODER.decode(text.substring(PREFIX.length(), dot < 0 ? text.length() : dot));
      tag = dot < 0 ? new byte[0] : DECODER.decode(text.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw tampered();
    }
    if (!key.verifies(payload, tag)) throw tampered();
    CompositeMarker marker;
    try {
      marker = parsePayload(JSON.readTree(payload));
    } catch (IOException | RuntimeException e) {
      throw tampered(); // signed by us, so not expected: still, a client gets a 400, not a 500
    }
    if (!marker.call.equals(query.call().name()) || !marker.walk.equals(query.walk())) {
      throw new BadListRequest("the marker was issued for another list or order (" + marker.call + ", "
          + marker.walk + "); list from the start with this one");
    }
    if (!List.copyOf(marker.positions.keySet()).equals(clouds)) {
      throw new BadListRequest("the marker was issued for clouds " + String.join(" & ", marker.positions.keySet())
          + ", not " + String.join(" & ", clouds));
    }
    return marker;
  }

  /** The marker before any page: every cloud at its start. */
  public static CompositeMarker start(ListQuery query, List<String> clouds) {
    Map<String, Position> positions = new LinkedHashMap<>();
    for (String cloud : clouds) positions.put(cloud, Position.START);
    return new CompositeMarker(query.call().name(), query.walk(), positions);
  }

  private static CompositeMarker parsePayload(JsonNode root) {
    Map<String, Position> positions = new LinkedHashMap<>();
    for (int i = 2; i < root.size(); i++) {
      JsonNode entry = root.get(i);
      JsonNode where = entry.get(1);
      positions.put(entry.get(0).textValue(), where.isBoolean() ? Position.END
          : where.isNull() ? Position.START : new Position(where.textValue(), false));
    }
    return new CompositeMarker(root.get(0).textValue(), root.get(1).textValue(), positions);
  }

  private static BadListRequest tampered() {
    return new BadListRequest("the marker was altered or issued by another deployment: its signature does not match");
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  /** Positions, in cloud order, for tests and logs. */
  List<Position> inOrder() {
    return new ArrayList<>(positions.values());
  }
}
