package io.oscope.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One cloud's page of a list, in the cloud's own order.
 *
 * @param cloud the cloud that answered
 * @param items the page's items, as the service sorted them
 * @param more whether the cloud may have items after the page (it was full, or linked a next one)
 * @param answered false for a cloud that failed, under the partial policy: its position stays
 *     where it was, so the next page asks it again
 */
public record Page(String cloud, List<JsonNode> items, boolean more, boolean answered) {
  public Page {
    items = List.copyOf(items);
  }

  public Page(String cloud, List<JsonNode> items, boolean more) {
    this(cloud, items, more, true);
  }

  /** A cloud whose position says it has nothing more: asked nothing. */
  public static Page exhausted(String cloud) {
    return new Page(cloud, List.of(), false, true);
  }

  /** A cloud that failed to answer. */
  public static Page unavailable(String cloud) {
    return new Page(cloud, List.of(), false, false);
  }
}
