package io.oscope.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One cloud's page of a list, in the cloud's own order.
 *
 * @param cloud the cloud that answered
 * @param items the page's items, as the service sorted them
 * @param more whether the cloud may have items after the page (it was full, or linked a next one)
 */
public record Page(String cloud, List<JsonNode> items, boolean more) {
  public Page {
    items = List.copyOf(items);
  }

  /** A cloud whose position says it has nothing more: asked nothing. */
  public static Page exhausted(String cloud) {
    return new Page(cloud, List.of(), false);
  }
}
