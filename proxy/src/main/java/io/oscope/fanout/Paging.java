package io.oscope.fanout;

/**
 * How a service pages its lists, as far as a merge of several clouds' pages must know: where the
 * link to the next page is, which query parameters sort, and in which direction a key without one
 * sorts.
 */
public enum Paging {
  /**
   * Glance v2: {@code limit}, {@code marker}, {@code sort=k1:asc,k2} or repeated {@code sort_key}
   * with {@code sort_dir} (desc when absent); a {@code next} path in the body, and {@code first}.
   */
  GLANCE(false),
  /**
   * Nova (and Cinder, which copied it): {@code limit}, {@code marker}, repeated {@code sort_key}/
   * {@code sort_dir} (desc when absent); {@code <collection>_links} with rel {@code next}.
   */
  NOVA(false),
  /**
   * Neutron: {@code limit}, {@code marker}, {@code page_reverse}, repeated {@code sort_key}/
   * {@code sort_dir} (asc when absent); {@code <collection>_links} with rel {@code next} and
   * {@code previous}.
   */
  NEUTRON(true),
  /** Keystone v3: no pagination; whole lists, bounded by the deployment's {@code list_limit}. */
  NONE(true);

  private final boolean ascendingByDefault;

  Paging(boolean ascendingByDefault) {
    this.ascendingByDefault = ascendingByDefault;
  }

  /** The direction of a sort key given without one. */
  public boolean ascendingByDefault() {
    return ascendingByDefault;
  }

  /** Whether the service takes {@code limit} and {@code marker}. */
  public boolean paginates() {
    return this != NONE;
  }
}
