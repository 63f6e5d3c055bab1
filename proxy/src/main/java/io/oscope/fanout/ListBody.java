package io.oscope.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The JSON of list pages: a cloud's answer read into a {@link Page}, the merged page written in
 * the service's own shape. The body of the first cloud that answered is the template: its other
 * members (Glance's {@code schema}, Keystone's {@code links}) stay; the collection and the links
 * to other pages are replaced.
 *
 * <p>Each item gets a member {@value #CLOUD_FIELD} naming its cloud: the prefix-colon form of the
 * services' own extension attributes ({@code OS-EXT-AZ:availability_zone}), which their clients
 * keep as one more attribute (Glance's schema allows extra string properties on an image).
 */
public final class ListBody {
  /** The member that names an item's cloud. */
  public static final String CLOUD_FIELD = "oscope:cloud";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ListBody() {}

  /** A cloud's parsed answer: its page, and the whole body, a template for the merged one. */
  public record Read(Page page, ObjectNode body) {}

  /**
   * Reads {@code body}, {@code cloud}'s answer to a page of {@code query}'s call, inflated first if
   * the service compressed it for the client's {@code Accept-Encoding} (gzip's magic bytes: JSON
   * never starts with them), to at most {@code maxBytes}.
   *
   * @throws IOException if it is not the JSON object of that call, with its item array
   */
  public static Read read(String cloud, ListQuery query, byte[] body, long maxBytes) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(inflated(body, maxBytes));
    } catch (JsonProcessingException e) {
      throw new IOException("the answer is not JSON: " + e.getOriginalMessage());
    }
    ListCall call = query.call();
    JsonNode items = root == null ? null : root.get(call.collection());
    if (!(root instanceof ObjectNode object) || items == null || !items.isArray()) {
      throw new IOException("the answer has no '" + call.collection() + "' array");
    }
    List<JsonNode> list = new ArrayList<>(items.size());
    items.forEach(list::add);
    boolean more = call.paging().paginates() && !list.isEmpty()
        && (list.size() >= query.pageSize() || hasNext(call, object));
    return new Read(new Page(cloud, list, more), object);
  }

  /**
   * The merged page's body, {@code template}'s shape: its items each named by cloud, and a link
   * to the next page ({@code nextMarker}, null for none) built from {@code requestUrl}, the URL
   * the client asked without its query.
   */
  public static byte[] write(ObjectNode template, ListQuery query, ListMerge.Merged merged, String nextMarker,
      String requestUrl) {
    ListCall call = query.call();
    ArrayNode items = template.putArray(call.collection());
    for (int i = 0; i < merged.items().size(); i++) {
      JsonNode item = merged.items().get(i);
      JsonNode target = call.itemRoot().isEmpty() ? item : item.at(call.itemRoot());
      if (target instanceof ObjectNode object) object.put(CLOUD_FIELD, merged.clouds().get(i));
      items.add(item);
    }
    String next = nextMarker == null ? null : call.link(requestUrl, query.withMarker(nextMarker));
    switch (call.paging()) {
      case GLANCE -> {
        if (next == null) template.remove("next");
        else template.put("next", next);
        template.put("first", call.link(requestUrl, query.withMarker(null)));
      }
      case NOVA, NEUTRON -> {
        // One link, on in the walk's direction: Neutron's client follows "previous" when it
        // walks with page_reverse; the link back is not rebuilt (README).
        String key = call.collection() + "_links";
        if (next == null) {
          template.remove(key);
        } else {
          template.putArray(key).addObject().put("rel", query.backward() ? "previous" : "next").put("href", next);
        }
      }
      case NONE -> {
        JsonNode links = template.get("links");
        if (links instanceof ObjectNode object) {
          object.putNull("next");
          object.putNull("previous");
        }
      }
    }
    try {
      return JSON.writeValueAsBytes(template);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree is always writable", e);
    }
  }

  private static byte[] inflated(byte[] body, long maxBytes) throws IOException {
    if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) return body;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      byte[] inflated = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (inflated.length > maxBytes) throw new IOException("the answer inflates to more than " + maxBytes + " bytes");
      return inflated;
    }
  }

  private static boolean hasNext(ListCall call, ObjectNode body) {
    if (call.paging() == Paging.GLANCE) return body.hasNonNull("next");
    JsonNode links = body.get(call.collection() + "_links");
    if (links == null || !links.isArray()) return false;
    for (JsonNode link : links) {
      if ("next".equals(link.path("rel").asText())) return true;
    }
    return false;
  }
}
