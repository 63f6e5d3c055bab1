package io.oscope.catalog;

import java.util.Objects;

/**
 * An endpoint list and the cloud whose Keystone it comes from. That cloud is what tells its
 * endpoints apart from another cloud's when both clouds are in one region (two devstacks, both
 * {@code RegionOne}), each with its own Keystone.
 *
 * @param cloud the cloud whose catalogue this is, or {@code null} when nobody said
 * @param list the endpoint list
 */
public record Catalogue(String cloud, EndpointList list) {
  public Catalogue {
    Objects.requireNonNull(list, "list");
  }

  /** A list of no particular cloud: its endpoints go to the cloud of their region. */
  public static Catalogue anonymous(EndpointList list) {
    return new Catalogue(null, list);
  }
}
