package io.oscope.fanout;

/**
 * One key of a list's order: a field of its items and a direction.
 *
 * @param field the item's field, as the service names it in {@code sort_key}
 */
public record SortKey(String field, boolean ascending) {
  public SortKey {
    if (field == null || field.isBlank()) throw new IllegalArgumentException("a sort key needs a field name");
  }

  static SortKey asc(String field) {
    return new SortKey(field, true);
  }

  static SortKey desc(String field) {
    return new SortKey(field, false);
  }

  /** The same key in the other direction. */
  SortKey reversed() {
    return new SortKey(field, !ascending);
  }

  @Override
  public String toString() {
    return field + ":" + (ascending ? "asc" : "desc");
  }
}
