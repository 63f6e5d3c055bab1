package io.oscope.catalog;

import io.oscope.routes.Problem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which cloud each endpoint of the catalogues belongs to: the one cloud of its Keystone region,
 * or, when several clouds share that region (two devstacks, both {@code RegionOne}), the one whose
 * own catalogue lists it. An endpoint no single cloud can claim is a problem that says why and
 * what to change in the clouds file, once per list and region rather than once per row.
 */
final class CloudOfEndpoint {
  /** An endpoint and the cloud it belongs to. */
  record Placed(CloudsFile.Cloud cloud, Endpoint endpoint) {}

  /** The first endpoint of a list that no cloud could claim for its region, and how many there are. */
  private static final class Unclaimed {
    final Endpoint first;
    final List<CloudsFile.Cloud> candidates;
    int count;

    Unclaimed(Endpoint first, List<CloudsFile.Cloud> candidates) {
      this.first = first;
      this.candidates = candidates;
    }
  }

  private CloudOfEndpoint() {}

  /**
   * The endpoints of {@code catalogues} with their clouds, in list order; a list given twice
   * (one file named by two clouds) is read once. Problems are added to {@code problems}.
   */
  static List<Placed> place(CloudsFile clouds, List<Catalogue> catalogues, List<Problem> problems) {
    Map<String, Set<String>> ownersBySource = new TreeMap<>();
    Map<String, EndpointList> bySource = new LinkedHashMap<>();
    for (Catalogue catalogue : catalogues) {
      Set<String> owners = ownersBySource.computeIfAbsent(catalogue.list().source(), s -> new TreeSet<>());
      if (catalogue.cloud() != null) owners.add(catalogue.cloud());
      bySource.putIfAbsent(catalogue.list().source(), catalogue.list());
    }
    List<Placed> placed = new ArrayList<>();
    Map<String, Unclaimed> unclaimed = new LinkedHashMap<>();
    for (EndpointList list : bySource.values()) {
      Set<String> owners = ownersBySource.get(list.source());
      for (Endpoint endpoint : list.endpoints()) {
        List<CloudsFile.Cloud> candidates = clouds.inRegion(endpoint.region());
        List<CloudsFile.Cloud> claiming = candidates.size() == 1 ? candidates
            : candidates.stream().filter(cloud -> owners.contains(cloud.name())).toList();
        if (claiming.size() == 1) {
          placed.add(new Placed(claiming.get(0), endpoint));
        } else {
          unclaimed.computeIfAbsent(list.source() + "|" + endpoint.region(), k -> new Unclaimed(endpoint, candidates))
              .count++;
        }
      }
    }
    Map<String, Set<String>> listsByUnknownRegion = new TreeMap<>();
    unclaimed.values().stream().filter(u -> u.candidates.isEmpty()).forEach(u -> listsByUnknownRegion
        .computeIfAbsent(u.first.region(), r -> new TreeSet<>()).add(u.first.source()));
    for (Unclaimed u : unclaimed.values()) {
      String message = u.candidates.isEmpty()
          ? unknownRegion(clouds, u.first, bySource.get(u.first.source()), ownersBySource, listsByUnknownRegion)
          : sharedRegion(u.first, u.candidates, ownersBySource.get(u.first.source()));
      String more = u.count > 1 ? " (" + u.count + " endpoints of the list are in region " + u.first.region() + ")" : "";
      problems.add(new Problem(u.first.source(), u.first.entry(), EndpointList.REGION, u.first.region(), message + more));
    }
    return placed;
  }

  /** No cloud has the region: say which regions the clouds have, and whose region to set. */
  private static String unknownRegion(CloudsFile clouds, Endpoint endpoint, EndpointList list,
      Map<String, Set<String>> ownersBySource, Map<String, Set<String>> listsByUnknownRegion) {
    String regions = clouds.clouds().values().stream()
        .map(cloud -> cloud.region().equals(cloud.name()) ? cloud.name() : cloud.name() + " in " + cloud.region())
        .collect(Collectors.joining(", "));
    String message = "is the region of no cloud of " + clouds.source() + " (its clouds: " + regions
        + "); a cloud's region is its name unless its \"region\" says otherwise";
    Set<String> owners = ownersBySource.get(endpoint.source());
    Set<String> listRegions = new HashSet<>();
    list.endpoints().forEach(e -> listRegions.add(e.region()));
    List<String> ownersToMap = owners.stream()
        .filter(owner -> !listRegions.contains(clouds.clouds().get(owner).region())).toList();
    if (ownersToMap.size() == 1) {
      message += ": this list is " + ownersToMap.get(0) + "'s catalogue, so set \"region\": \"" + endpoint.region()
          + "\" at clouds." + ownersToMap.get(0);
    } else {
      message += ": add the cloud these endpoints belong to, or set \"region\": \"" + endpoint.region() + "\" on it";
    }
    Set<String> others = new TreeSet<>(listsByUnknownRegion.get(endpoint.region()));
    others.remove(endpoint.source());
    if (!others.isEmpty()) {
      message += "; " + String.join(", ", others) + " also list region " + endpoint.region()
          + ": clouds may share a region when each has its own list, from its own Keystone";
    }
    return message;
  }

  /** Several clouds have the region, and the list is the catalogue of none of them, or of several. */
  private static String sharedRegion(Endpoint endpoint, List<CloudsFile.Cloud> candidates, Set<String> owners) {
    String names = candidates.stream().map(CloudsFile.Cloud::name).collect(Collectors.joining(" and "));
    List<String> both = candidates.stream().map(CloudsFile.Cloud::name).filter(owners::contains).toList();
    if (both.isEmpty()) {
      return "is the region of " + names + ", and this list is the catalogue of neither, so nothing says whose"
          + " endpoints these are: give each of them its own list, from its own Keystone (\"endpoints\" in the"
          + " clouds file, or --endpoints CLOUD=FILE)";
    }
    return "is the region of " + String.join(" and ", both) + ", and this one list is the catalogue of both: one"
        + " Keystone cannot tell two clouds apart in one region; give them distinct regions in Keystone and in"
        + " \"region\", or each cloud the list of its own Keystone";
  }
}
