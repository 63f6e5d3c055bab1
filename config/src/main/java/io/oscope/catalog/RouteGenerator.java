package io.oscope.catalog;

import io.oscope.catalog.CloudOfEndpoint.Placed;
import io.oscope.routes.ConfigException;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the clouds file and the clouds' endpoint lists into the entries of a route file, checked
 * as a whole: every endpoint belongs to one cloud (by its region, see {@link CloudsFile}), every cloud has an identity service, one URL
 * prefix serves one service type, one service and interface of a cloud has one URL, and the
 * backend of a service whose URL is a proxy is given. The entries are sorted (region, service
 * type, interface, URL) so that the same inputs give the same file, and compile for every cloud.
 *
 * <pre>{@code
 * List<ServiceEntry> entries = RouteGenerator.generate(clouds, List.of(listOne, listTwo));
 * RouteFileWriter.write(Path.of("routes.json"), entries);
 * }</pre>
 */
public final class RouteGenerator {
  /** The source name of problems found by compiling the generated entries. */
  static final String OUTPUT = "generated route file";

  private static final Comparator<ServiceEntry> ORDER = Comparator.comparing(ServiceEntry::cloud)
      .thenComparing(ServiceEntry::serviceType)
      .thenComparing(ServiceEntry::iface)
      .thenComparing(entry -> entry.url().toString());

  private RouteGenerator() {}

  /**
   * The route-file entries of {@code lists}, endpoint lists of no particular cloud: each endpoint
   * goes to the cloud of its region. An endpoint listed twice counts once.
   *
   * @throws ConfigException with the problems of the lists and every problem found across them
   */
  public static List<ServiceEntry> generate(CloudsFile clouds, List<EndpointList> lists) throws ConfigException {
    return fromCatalogues(clouds, lists.stream().map(Catalogue::anonymous).toList());
  }

  /**
   * The route-file entries of {@code catalogues}, the clouds' endpoint lists. An endpoint goes to
   * the cloud whose {@code region} it is in; when several clouds share that region, to the one
   * whose catalogue lists it. An endpoint listed twice (say, by two lists of one shared Keystone)
   * counts once.
   *
   * @throws ConfigException with the problems of the lists and every problem found across them
   */
  public static List<ServiceEntry> fromCatalogues(CloudsFile clouds, List<Catalogue> catalogues) throws ConfigException {
    List<Problem> problems = new ArrayList<>();
    Set<String> sources = new HashSet<>();
    catalogues.stream().map(Catalogue::list).filter(list -> sources.add(list.source()))
        .forEach(list -> problems.addAll(list.problems()));

    List<Placed> inClouds = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Placed placed : CloudOfEndpoint.place(clouds, catalogues, problems)) {
      Endpoint endpoint = placed.endpoint();
      if (seen.add(String.join("|", placed.cloud().name(), endpoint.serviceType(), endpoint.iface().label(),
          endpoint.url().toString()))) {
        inClouds.add(placed);
      }
    }
    checkClouds(clouds, inClouds, problems);

    Map<String, Endpoint> byService = new HashMap<>();
    Map<String, Endpoint> byLocation = new HashMap<>();
    Map<HostPort, String> cloudByFrontend = new HashMap<>();
    clouds.clouds().values().forEach(cloud -> cloudByFrontend.put(cloud.frontend(), cloud.name()));
    List<ServiceEntry> entries = new ArrayList<>();
    Map<Endpoint, String> cloudOf = new HashMap<>();
    for (Placed placed : inClouds) {
      Endpoint endpoint = placed.endpoint();
      CloudsFile.Cloud cloud = placed.cloud();
      cloudOf.put(endpoint, cloud.name());
      Endpoint same = byService.putIfAbsent(
          cloud.name() + "|" + endpoint.serviceType() + "|" + endpoint.iface().label(), endpoint);
      if (same != null) {
        problems.add(problem(endpoint, EndpointList.URL, endpoint.urlText(), cloud.described()
            + " already lists " + endpoint.serviceType() + " (" + endpoint.iface().label() + ") at "
            + same.urlText() + " (" + where(same) + "); a cloud has one URL per service and interface"));
        continue;
      }
      Endpoint there = byLocation.putIfAbsent(endpoint.url().address() + endpoint.url().path(), endpoint);
      if (there != null && !there.serviceType().equals(endpoint.serviceType())) {
        problems.add(problem(endpoint, EndpointList.URL, endpoint.urlText(), "is also where " + cloudOf.get(there)
            + " publishes service type '" + there.serviceType() + "' (" + where(there)
            + "); one URL prefix serves one service type"));
        continue;
      }
      HostPort backend = cloud.backends().get(endpoint.serviceType());
      if (backend == null) {
        String proxied = cloudByFrontend.get(endpoint.url().address());
        if (proxied != null) {
          problems.add(problem(endpoint, EndpointList.URL, endpoint.urlText(), "points at the proxy of "
              + proxied + " (frontend " + endpoint.url().address() + "): give the backend of '"
              + endpoint.serviceType() + "' in " + clouds.source() + " at clouds." + cloud.name() + ".backends"));
          continue;
        }
        backend = endpoint.url().address();
      }
      entries.add(new ServiceEntry(0, endpoint.serviceType(), endpoint.iface(), endpoint.url(),
          cloud.name(), Pool.of(cloud.frontend()), Pool.of(backend)));
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return compiled(entries);
  }

  /** Problems of a cloud as a whole: no identity, no endpoint at all, backends for nothing. */
  private static void checkClouds(CloudsFile clouds, List<Placed> endpoints, List<Problem> problems) {
    Map<String, Set<String>> typesByCloud = new TreeMap<>();
    Map<String, Set<String>> sourcesByCloud = new TreeMap<>();
    for (Placed placed : endpoints) {
      String cloud = placed.cloud().name();
      typesByCloud.computeIfAbsent(cloud, r -> new TreeSet<>()).add(placed.endpoint().serviceType());
      sourcesByCloud.computeIfAbsent(cloud, r -> new TreeSet<>()).add(placed.endpoint().source());
    }
    for (CloudsFile.Cloud cloud : clouds.clouds().values()) {
      String entry = "clouds." + cloud.name();
      Set<String> types = typesByCloud.get(cloud.name());
      if (types == null) {
        problems.add(new Problem(clouds.source(), entry, null, null,
            "no endpoint list has an enabled endpoint in " + cloud.described()
                + " (name the cloud's list in \"endpoints\")"));
        continue;
      }
      if (!types.contains("identity")) {
        problems.add(new Problem(clouds.source(), entry, null, null, cloud.described()
            + " has no identity service in " + String.join(", ", sourcesByCloud.get(cloud.name()))
            + "; a scope's token is checked by the identity service of its cloud"));
      }
      cloud.backends().forEach((type, backend) -> {
        if (!types.contains(type)) {
          problems.add(new Problem(clouds.source(), entry + ".backends", type, backend.toString(),
              cloud.described() + " has no enabled endpoint of service type '" + type + "'"));
        }
      });
    }
  }

  /** Sorts and numbers the entries, then compiles them for every cloud as each proxy will. */
  private static List<ServiceEntry> compiled(List<ServiceEntry> unsorted) throws ConfigException {
    List<ServiceEntry> sorted = new ArrayList<>(unsorted);
    sorted.sort(ORDER);
    List<ServiceEntry> entries = new ArrayList<>();
    for (ServiceEntry e : sorted) {
      entries.add(new ServiceEntry(entries.size(), e.serviceType(), e.iface(), e.url(), e.cloud(), e.frontend(), e.backend()));
    }
    RouteTables.compileAll(OUTPUT, entries);
    return List.copyOf(entries);
  }

  private static Problem problem(Endpoint endpoint, String field, String value, String message) {
    return new Problem(endpoint.source(), endpoint.entry(), field, value, message);
  }

  private static String where(Endpoint endpoint) {
    return endpoint.source() + " " + endpoint.entry();
  }
}
