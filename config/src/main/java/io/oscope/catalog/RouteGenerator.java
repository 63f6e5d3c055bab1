package io.oscope.catalog;

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
 * as a whole: every entry's region is a cloud, every cloud has an identity service, one URL
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
   * The route-file entries of {@code lists}, the endpoint lists of the clouds of {@code clouds}.
   * An endpoint listed twice (say, by two lists of one shared Keystone) counts once.
   *
   * @throws ConfigException with the problems of the lists and every problem found across them
   */
  public static List<ServiceEntry> generate(CloudsFile clouds, List<EndpointList> lists) throws ConfigException {
    List<Problem> problems = new ArrayList<>();
    lists.forEach(list -> problems.addAll(list.problems()));

    List<Endpoint> inClouds = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (EndpointList list : lists) {
      for (Endpoint endpoint : list.endpoints()) {
        if (!clouds.clouds().containsKey(endpoint.region())) {
          problems.add(problem(endpoint, EndpointList.REGION, endpoint.region(), "is not a cloud of "
              + clouds.source() + " (its clouds: " + String.join(", ", clouds.clouds().keySet()) + ")"));
        } else if (seen.add(String.join("|", endpoint.region(), endpoint.serviceType(),
            endpoint.iface().label(), endpoint.url().toString()))) {
          inClouds.add(endpoint);
        }
      }
    }
    checkClouds(clouds, inClouds, problems);

    Map<String, Endpoint> byService = new HashMap<>();
    Map<String, Endpoint> byLocation = new HashMap<>();
    Map<HostPort, String> cloudByFrontend = new HashMap<>();
    clouds.clouds().values().forEach(cloud -> cloudByFrontend.put(cloud.frontend(), cloud.name()));
    List<ServiceEntry> entries = new ArrayList<>();
    for (Endpoint endpoint : inClouds) {
      Endpoint same = byService.putIfAbsent(
          endpoint.region() + "|" + endpoint.serviceType() + "|" + endpoint.iface().label(), endpoint);
      if (same != null) {
        problems.add(problem(endpoint, EndpointList.URL, endpoint.urlText(), "region " + endpoint.region()
            + " already lists " + endpoint.serviceType() + " (" + endpoint.iface().label() + ") at "
            + same.urlText() + " (" + where(same) + "); a cloud has one URL per service and interface"));
        continue;
      }
      Endpoint there = byLocation.putIfAbsent(endpoint.url().address() + endpoint.url().path(), endpoint);
      if (there != null && !there.serviceType().equals(endpoint.serviceType())) {
        problems.add(problem(endpoint, EndpointList.URL, endpoint.urlText(), "is also where " + there.region()
            + " publishes service type '" + there.serviceType() + "' (" + where(there)
            + "); one URL prefix serves one service type"));
        continue;
      }
      CloudsFile.Cloud cloud = clouds.clouds().get(endpoint.region());
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
          endpoint.region(), Pool.of(cloud.frontend()), Pool.of(backend)));
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return compiled(entries);
  }

  /** Problems of a cloud as a whole: no identity, no endpoint at all, backends for nothing. */
  private static void checkClouds(CloudsFile clouds, List<Endpoint> endpoints, List<Problem> problems) {
    Map<String, Set<String>> typesByRegion = new TreeMap<>();
    Map<String, Set<String>> sourcesByRegion = new TreeMap<>();
    for (Endpoint endpoint : endpoints) {
      typesByRegion.computeIfAbsent(endpoint.region(), r -> new TreeSet<>()).add(endpoint.serviceType());
      sourcesByRegion.computeIfAbsent(endpoint.region(), r -> new TreeSet<>()).add(endpoint.source());
    }
    for (CloudsFile.Cloud cloud : clouds.clouds().values()) {
      String entry = "clouds." + cloud.name();
      Set<String> types = typesByRegion.get(cloud.name());
      if (types == null) {
        problems.add(new Problem(clouds.source(), entry, null, null,
            "no endpoint list has an enabled endpoint in region " + cloud.name()
                + " (name the cloud's list in \"endpoints\")"));
        continue;
      }
      if (!types.contains("identity")) {
        problems.add(new Problem(clouds.source(), entry, null, null, "region " + cloud.name()
            + " has no identity service in " + String.join(", ", sourcesByRegion.get(cloud.name()))
            + "; a scope's token is checked by the identity service of its cloud"));
      }
      cloud.backends().forEach((type, backend) -> {
        if (!types.contains(type)) {
          problems.add(new Problem(clouds.source(), entry + ".backends", type, backend.toString(),
              "region " + cloud.name() + " has no enabled endpoint of service type '" + type + "'"));
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
