package io.oscope.fanout;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.List;

/**
 * One list call of a service: a {@code GET} on a collection, which a fan-out merges.
 *
 * @param serviceType the service type of the route table ({@code image}, {@code compute}…)
 * @param suffix how the request path ends, after the endpoint's own prefix ({@code /servers/detail})
 * @param collection the body's key of the item array ({@code servers})
 * @param itemRoot where an item's fields are, from the item: {@code ""}, or {@code /keypair} for
 *     Nova's keypairs, each wrapped in an object of its own
 * @param markerField the item's field that the service takes as {@code marker}
 * @param paging how the service pages
 * @param defaultOrder the service's order when the client asks for none; empty for Keystone's
 *     unsorted lists
 * @param defaultPageSize the page size asked of each cloud, and merged, when the client gives no
 *     {@code limit}: the service's own default, so that every merged body stays a page
 * @param maxPageSize the largest page asked of one cloud: the service's default cap
 */
public record ListCall(
    String serviceType,
    String suffix,
    String collection,
    String itemRoot,
    String markerField,
    Paging paging,
    List<SortKey> defaultOrder,
    int defaultPageSize,
    int maxPageSize) {

  public ListCall {
    if (!suffix.startsWith("/")) throw new IllegalArgumentException("the suffix of a list call starts with /: " + suffix);
    defaultOrder = List.copyOf(defaultOrder);
    if (defaultPageSize < 1 || maxPageSize < defaultPageSize) {
      throw new IllegalArgumentException("page sizes of " + suffix + ": default " + defaultPageSize + ", max " + maxPageSize);
    }
  }

  /** Names the call in markers and messages: {@code image /v2/images}. */
  public String name() {
    return serviceType + " " + suffix;
  }

  /** Where an item's {@code field} is, from the item. */
  JsonPointer pointer(String field) {
    return JsonPointer.compile(itemRoot + "/" + field.replace("~", "~0").replace("/", "~1"));
  }

  /**
   * The link to the next page as this service writes it, from the path and query the client
   * asked: Glance writes a path from its version on ({@code /v2/images?…}, which clients resolve
   * against their endpoint); the others an absolute URL, {@code requestUrl}'s.
   */
  String link(String requestUrl, String query) {
    String base = requestUrl;
    if (paging == Paging.GLANCE) {
      int version = base.indexOf("/v2/");
      if (version >= 0) base = base.substring(version);
    }
    return query.isEmpty() ? base : base + "?" + query;
  }
}
