package io.oscope.fanout;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The query of a client's list request, as a fan-out reads it: its page size, its marker, its
 * order and direction; every other parameter (filters) goes to each cloud as the client wrote it.
 *
 * <pre>{@code
 * ListQuery query = ListQuery.parse(call, "limit=2&sort_key=name&sort_dir=asc");
 * String toCloud = query.forBranch("3f2a…");   // limit=2&sort_key=name&sort_dir=asc&marker=3f2a…
 * }</pre>
 *
 * @param params the parameters but {@code limit} and {@code marker}, raw (still URL-encoded)
 * @param limit the client's {@code limit}, or -1 if it gave none
 * @param marker the client's marker, decoded, or null
 * @param order the order asked, or the service's default; ties broken by the marker field
 * @param backward Neutron's {@code page_reverse}: pages walk toward the start of the order
 */
public record ListQuery(ListCall call, List<String> params, int limit, String marker, List<SortKey> order,
    boolean backward) {

  public ListQuery {
    params = List.copyOf(params);
    order = List.copyOf(order);
  }

  /** Reads {@code query} (without {@code ?}; may be empty) of a request for {@code call}. */
  public static ListQuery parse(ListCall call, String query) {
    List<String> params = new ArrayList<>();
    int limit = -1;
    String marker = null;
    List<String> keys = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    List<SortKey> glanceSort = new ArrayList<>();
    boolean backward = false;
    Paging paging = call.paging();
    for (String param : query.isEmpty() ? new String[0] : query.split("&")) {
      if (param.isEmpty()) continue;
      int eq = param.indexOf('=');
      String name = decode(eq < 0 ? param : param.substring(0, eq));
      String value = eq < 0 ? "" : decode(param.substring(eq + 1));
      if (paging.paginates() && name.equals("limit")) {
        limit = limitOf(value);
        continue;
      }
      if (paging.paginates() && name.equals("marker")) {
        marker = value;
        continue;
      }
      params.add(param);
      switch (name) {
        case "sort_key" -> keys.add(value);
        case "sort_dir" -> dirs.add(value);
        case "sort" -> {
          if (paging == Paging.GLANCE) {
            for (String key : value.split(",")) glanceSort.add(glanceKey(key.strip()));
          }
        }
        case "page_reverse" -> backward = paging == Paging.NEUTRON && isTrue(value);
        default -> { }
      }
    }
    List<SortKey> order = new ArrayList<>(glanceSort);
    for (int i = 0; i < keys.size(); i++) {
      boolean ascending = i < dirs.size() ? dirs.get(i).equalsIgnoreCase("asc")
          : i == 0 || dirs.isEmpty() ? paging.ascendingByDefault() : dirs.get(dirs.size() - 1).equalsIgnoreCase("asc");
      order.add(new SortKey(keys.get(i), ascending));
    }
    if (order.isEmpty()) order.addAll(call.defaultOrder());
    if (!order.isEmpty() && order.stream().noneMatch(k -> k.field().equals(call.markerField()))) {
      order.add(new SortKey(call.markerField(), order.get(order.size() - 1).ascending()));
    }
    return new ListQuery(call, params, limit, marker, order, backward);
  }

  /** How many items a merged page holds: the client's limit within the service's cap, else its default. */
  public int pageSize() {
    if (limit < 0) return call.defaultPageSize();
    return Math.min(limit, call.maxPageSize());
  }

  /** The query for one cloud, after its item {@code after} (null: from the start). */
  public String forBranch(String after) {
    if (!call.paging().paginates()) return String.join("&", params);
    List<String> out = new ArrayList<>(params);
    out.add("limit=" + pageSize());
    if (after != null) out.add("marker=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
    return String.join("&", out);
  }

  /** The query of the next page's link: the client's, with {@code compositeMarker}. */
  public String withMarker(String compositeMarker) {
    List<String> out = new ArrayList<>(params);
    if (limit >= 0) out.add("limit=" + limit);
    if (compositeMarker != null) out.add("marker=" + compositeMarker);
    return String.join("&", out);
  }

  /** The order and direction, as a marker records it: a marker is valid for this walk only. */
  String walk() {
    return order + (backward ? " backward" : "");
  }

  private static int limitOf(String value) {
    try {
      int limit = Integer.parseInt(value.strip());
      if (limit >= 0) return limit;
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new BadListRequest("limit must be a non-negative integer, got '" + value + "'");
  }

  private static SortKey glanceKey(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) return new SortKey(text, Paging.GLANCE.ascendingByDefault());
    return new SortKey(text.substring(0, colon), text.substring(colon + 1).strip().equalsIgnoreCase("asc"));
  }

  private static boolean isTrue(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes") || v.equals("on");
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadListRequest("malformed query parameter '" + text + "'");
    }
  }
}
