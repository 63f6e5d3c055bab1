package io.oscope.fanout;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The k-way merge of the clouds' sorted pages into one page of a merged list, and where the walk
 * is after it. Each cloud was asked for as many items as the merged page holds, after its own
 * position, so the page is the first {@code pageSize} items of the merged order; a cloud that may
 * have more is never drained past its page (its next item is unknown), which keeps every walk
 * free of gaps and duplicates.
 *
 * <pre>{@code
 * Merged merged = ListMerge.merge(query, marker, pages);
 * merged.next();   // null when every cloud is at its end
 * }</pre>
 */
public final class ListMerge {
  private ListMerge() {}

  /**
   * A merged page.
   *
   * @param items the page's items, in the merged order
   * @param clouds each item's cloud
   * @param next the marker of the next page, or null after an empty page
   */
  public record Merged(List<JsonNode> items, List<String> clouds, CompositeMarker next) {}

  /**
   * Merges {@code pages}, one per cloud of {@code from} in its order, the clouds' pages after
   * {@code from}'s positions (an exhausted cloud's page is empty).
   */
  public static Merged merge(ListQuery query, CompositeMarker from, List<Page> pages) {
    ListCall call = query.call();
    int limit = call.paging().paginates() ? query.pageSize() : Integer.MAX_VALUE;
    if (call.defaultOrder().isEmpty()) return concatenate(pages, from);
    ItemOrder order = new ItemOrder(call, query.order());
    boolean backward = query.backward();
    int k = pages.size();
    int[] taken = new int[k];
    List<JsonNode> items = new ArrayList<>(Math.min(limit, 256));
    List<String> clouds = new ArrayList<>(Math.min(limit, 256));
    while (items.size() < limit) {
      int best = -1;
      JsonNode bestItem = null;
      boolean blocked = false;
      for (int c = 0; c < k; c++) {
        Page page = pages.get(c);
        int size = page.items().size();
        if (taken[c] == size) {
          if (page.more() && size > 0) blocked = true; // its next item is unknown
          continue;
        }
        JsonNode item = page.items().get(backward ? size - 1 - taken[c] : taken[c]);
        // Ties go to the earlier cloud of the expression, so a page's order is deterministic.
        int cmp = bestItem == null ? -1 : order.compare(item, bestItem);
        if (backward ? cmp > 0 || bestItem == null : cmp < 0) {
          best = c;
          bestItem = item;
        }
      }
      if (blocked || best < 0) break;
      items.add(bestItem);
      clouds.add(pages.get(best).cloud());
      taken[best]++;
    }
    if (backward) {
      Collections.reverse(items);
      Collections.reverse(clouds);
    }
    JsonPointer marker = call.pointer(call.markerField());
    Map<String, CompositeMarker.Position> next = new LinkedHashMap<>();
    int c = 0;
    for (Map.Entry<String, CompositeMarker.Position> entry : from.positions().entrySet()) {
      Page page = pages.get(c);
      int n = taken[c++];
      int size = page.items().size();
      CompositeMarker.Position position = entry.getValue();
      if (n > 0) {
        JsonNode last = page.items().get(backward ? size - n : n - 1).at(marker);
        if (!last.isValueNode() || last.isNull()) {
          throw new IllegalStateException("an item of " + page.cloud() + " has no " + call.markerField());
        }
        position = new CompositeMarker.Position(last.asText(), false);
      }
      if (page.answered() && !page.more() && n == size) {
        position = new CompositeMarker.Position(position.after(), true);
      }
      next.put(entry.getKey(), position);
    }
    // A next link after every page that has items, even the one that reached every cloud's end:
    // openstacksdk, given no link after a full page, asks again with the last item's own ID as
    // marker, which a merged list cannot take. The linked page is then empty, asks no cloud, and
    // has no link: a client following links always stops.
    return new Merged(items, clouds, items.isEmpty() ? null : new CompositeMarker(from.call(), from.walk(), next));
  }

  /** Keystone's unsorted, unpaginated lists: one after the other, in the expression's order. */
  private static Merged concatenate(List<Page> pages, CompositeMarker from) {
    List<JsonNode> items = new ArrayList<>();
    List<String> clouds = new ArrayList<>();
    for (Page page : pages) {
      items.addAll(page.items());
      for (int i = 0; i < page.items().size(); i++) clouds.add(page.cloud());
    }
    return new Merged(items, clouds, null);
  }
}
