package io.oscope.routes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The route table of one proxy, compiled once from a route file for the proxy's own cloud and
 * immutable afterwards. Finding the service of a request is a hash lookup on the authority, a
 * hash lookup on the first path segment, then a boundary check against the few prefixes that
 * share that segment, longest first; where the service is in each cloud was computed at load.
 *
 * <pre>{@code
 * RouteTable table = RouteTable.load(Path.of("services.json"), "CloudOne");
 * ServiceMatch match = table.match("127.0.0.1:8888", "/image/v2/images");
 * Destination where = match.destinationIn(scope.cloudOf(match.serviceType(), table.localCloud()));
 * }</pre>
 */
public final class RouteTable {
  private final String localCloud;
  private final String version;
  private final List<ServiceEntry> entries;
  private final Map<String, Locations> byAuthority;
  private final Map<String, Pool> frontendByCloud;
  private final Map<String, ServiceUrl> identityByCloud;
  private final List<String> serviceTypes;
  private final Set<String> destinations;
  private final Map<HostPort, Boolean> upstreams;

  private RouteTable(String localCloud, List<ServiceEntry> entries, Map<String, Locations> byAuthority,
      Map<String, Pool> frontendByCloud, Map<String, ServiceUrl> identityByCloud,
      List<String> serviceTypes, Set<String> destinations, Map<HostPort, Boolean> upstreams) {
    this.localCloud = localCloud;
    this.entries = List.copyOf(entries);
    this.byAuthority = Map.copyOf(byAuthority);
    this.frontendByCloud = Map.copyOf(frontendByCloud);
    this.identityByCloud = Map.copyOf(identityByCloud);
    this.serviceTypes = List.copyOf(serviceTypes);
    this.destinations = Set.copyOf(destinations);
    this.upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
    this.version = fingerprint(entries);
  }

  /**
   * Reads, checks and compiles the route file at {@code file} for the proxy of {@code localCloud}.
   *
   * @throws ConfigException with every problem found: those of single entries and those across
   *     entries, together
   */
  public static RouteTable load(Path file, String localCloud) throws ConfigException {
    return compile(file.toString(), RouteFile.readAll(file), localCloud);
  }

  /**
   * Compiles entries for the proxy of {@code localCloud}, checking them as a whole.
   *
   * @throws ConfigException with every problem found
   */
  public static RouteTable compile(String source, List<ServiceEntry> entries, String localCloud)
      throws ConfigException {
    Set<String> clouds = new TreeSet<>();
    entries.forEach(entry -> clouds.add(entry.cloud()));
    return compile(source, new RouteFile.Parsed(entries, List.of(), clouds), localCloud);
  }

  /** Compiles the sound entries of a file, reporting their problems with those of the others. */
  static RouteTable compile(String source, RouteFile.Parsed parsed, String localCloud) throws ConfigException {
    return new Compiler(source, parsed, localCloud).compile();
  }

  /**
   * The service at {@code authority} (a normalised or raw {@code host[:port]}) and
   * {@code pathAndQuery}, or {@code null} when none is published there.
   */
  public ServiceMatch match(String authority, String pathAndQuery) {
    Locations locations = byAuthority.get(authority);
    if (locations == null) {
      String normalised = normaliseAuthority(authority);
      if (normalised == null || (locations = byAuthority.get(normalised)) == null) return null;
    }
    return locations.match(pathAndQuery);
  }

  /** Whether oscope may forward a request it cannot route to {@code authority}. */
  public boolean isDestination(String authority) {
    if (destinations.contains(authority)) return true;
    String normalised = normaliseAuthority(authority);
    return normalised != null && destinations.contains(normalised);
  }

  private static String normaliseAuthority(String authority) {
    try {
      return HostPort.parseAuthority(authority, 80).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public String localCloud() {
    return localCloud;
  }

  /** Whether the route file names {@code cloud}. */
  public boolean hasCloud(String cloud) {
    return frontendByCloud.containsKey(cloud);
  }

  /** Every cloud of the file, sorted. */
  public Set<String> clouds() {
    return new TreeSet<>(frontendByCloud.keySet());
  }

  /** The proxies of {@code cloud}, or {@code null}. */
  public Pool frontendOf(String cloud) {
    return frontendByCloud.get(cloud);
  }

  /** The identity URL of {@code cloud} (admin if published, else public, else internal), or {@code null}. */
  public ServiceUrl identityOf(String cloud) {
    return identityByCloud.get(cloud);
  }

  /** Every service type in the file, sorted. */
  public List<String> serviceTypes() {
    return serviceTypes;
  }

  /** The entries the table was compiled from. */
  public List<ServiceEntry> entries() {
    return entries;
  }

  /**
   * The backend addresses of the table's own cloud, by service type: types in name order,
   * addresses in the order of their {@code host:port} text. Services without a backend are left out.
   */
  public Map<String, Set<HostPort>> localBackends() {
    Map<String, Set<HostPort>> backends = new TreeMap<>();
    for (ServiceEntry entry : entries) {
      if (entry.cloud().equals(localCloud) && entry.backend() != null) {
        backends.computeIfAbsent(entry.serviceType(), type -> new TreeSet<>(Comparator.comparing(HostPort::toString)))
            .addAll(entry.backend().addresses());
      }
    }
    return backends;
  }

  /**
   * Every upstream address this proxy talks to, each with whether its pool speaks TLS: the
   * backends of its own cloud and the frontends (proxies) of the other clouds, in the order the
   * entries name them. An address named by pools of both kinds keeps the first one's.
   */
  public Map<HostPort, Boolean> upstreams() {
    return upstreams;
  }

  /** A short fingerprint of the entries: equal tables have equal versions. */
  public String version() {
    return version;
  }

  private static String fingerprint(List<ServiceEntry> entries) {
    List<String> lines = new ArrayList<>();
    for (ServiceEntry e : entries) {
      lines.add(String.join("|", e.cloud(), e.serviceType(), e.iface().label(), e.url().toString(),
          String.valueOf(e.frontend()), String.valueOf(e.backend())));
    }
    lines.sort(Comparator.naturalOrder());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The service locations of one authority, indexed by first path segment. */
  private record Locations(Map<String, ServiceMatch[]> byFirstSegment, ServiceMatch root) {
    ServiceMatch match(String pathAndQuery) {
      ServiceMatch[] candidates = byFirstSegment.get(firstSegment(pathAndQuery));
      if (candidates != null) {
        for (ServiceMatch candidate : candidates) {
          if (candidate.matches(pathAndQuery)) return candidate;
        }
      }
      return root;
    }
  }

  static String firstSegment(String path) {
    int start = path.startsWith("/") ? 1 : 0;
    int end = start;
    while (end < path.length() && path.charAt(end) != '/' && path.charAt(end) != '?') end++;
    return path.substring(start, end);
  }

  /** Checks entries as a whole and builds the lookup structures; collects every problem. */
  private static final class Compiler {
    private final String source;
    private final List<ServiceEntry> entries;
    private final Set<String> namedClouds;
    private final String localCloud;
    private final List<Problem> problems;
    private final Map<String, Pool> frontendByCloud = new TreeMap<>();
    /** cloud → service type → interface → entry. */
    private final Map<String, Map<String, Map<Interface, ServiceEntry>>> byCloud = new TreeMap<>();
    /** location (URL without scheme) → entries published there. */
    private final Map<String, List<ServiceEntry>> byLocation = new LinkedHashMap<>();

    Compiler(String source, RouteFile.Parsed parsed, String localCloud) {
      this.source = source;
      this.entries = parsed.entries();
      this.namedClouds = new TreeSet<>(parsed.clouds());
      this.localCloud = localCloud;
      this.problems = new ArrayList<>(parsed.problems());
    }

    RouteTable compile() throws ConfigException {
      if (entries.isEmpty() && problems.isEmpty()) problems.add(Problem.of(source, "the route file has no entries"));
      for (ServiceEntry entry : entries) index(entry);
      // A file too broken to name a cloud has told its problems already.
      if (!namedClouds.isEmpty() && !namedClouds.contains(localCloud)) {
        problems.add(Problem.of(source, "this proxy's cloud '" + localCloud
            + "' is not in the route file (its clouds: " + String.join(", ", namedClouds) + ")"));
      }
      Map<String, Locations> byAuthority = locations();
      if (!problems.isEmpty()) throw new ConfigException(problems);

      Map<String, ServiceUrl> identityByCloud = new HashMap<>();
      byCloud.forEach((cloud, services) -> {
        Map<Interface, ServiceEntry> identity = services.getOrDefault("identity", Map.of());
        for (Interface iface : List.of(Interface.ADMIN, Interface.PUBLIC, Interface.INTERNAL)) {
          if (identity.containsKey(iface)) {
            identityByCloud.put(cloud, identity.get(iface).url());
            break;
          }
        }
      });
      Set<String> types = new TreeSet<>();
      Set<String> destinations = new TreeSet<>();
      Map<HostPort, Boolean> upstreams = new LinkedHashMap<>();
      for (ServiceEntry entry : entries) {
        Pool upstream = entry.cloud().equals(localCloud) ? entry.backend() : entry.frontend();
        upstream.addresses().forEach(address -> upstreams.putIfAbsent(address, upstream.tls()));
        types.add(entry.serviceType());
        destinations.add(entry.url().address().toString());
        entry.frontend().addresses().forEach(address -> destinations.add(address.toString()));
        if (entry.backend() != null) entry.backend().addresses().forEach(address -> destinations.add(address.toString()));
      }
      return new RouteTable(localCloud, entries, byAuthority, frontendByCloud, identityByCloud,
          List.copyOf(types), destinations, upstreams);
    }

    private void index(ServiceEntry entry) {
      Pool known = frontendByCloud.putIfAbsent(entry.cloud(), entry.frontend());
      if (known != null && !known.equals(entry.frontend())) {
        problem(entry, RouteFile.FRONTEND, entry.frontend().toString(),
            "cloud '" + entry.cloud() + "' already has frontend " + known + "; a cloud's entries name the same proxies");
      }
      if (entry.cloud().equals(localCloud)) {
        if (entry.backend() == null) {
          problem(entry, RouteFile.BACKEND, null, "is missing: '" + localCloud + "' is this proxy's own cloud");
        } else if (entry.backend().overlaps(entry.frontend())) {
          problem(entry, RouteFile.BACKEND, entry.backend().toString(),
              "is this cloud's own proxy (its Frontend): requests would loop");
        }
      }
      ServiceEntry previous = byCloud.computeIfAbsent(entry.cloud(), c -> new TreeMap<>())
          .computeIfAbsent(entry.serviceType(), t -> new TreeMap<>())
          .putIfAbsent(entry.iface(), entry);
      if (previous != null && !(previous.url().equals(entry.url()) && sameBackend(previous, entry))) {
        problem(entry, RouteFile.URL, entry.url().toString(), "cloud '" + entry.cloud() + "' already lists "
            + entry.serviceType() + " (" + entry.iface().label() + ") at " + previous.url()
            + " with backend " + previous.backend() + " (services[" + previous.index() + "])");
      }
      byLocation.computeIfAbsent(entry.url().address() + entry.url().path(), l -> new ArrayList<>()).add(entry);
    }

    private static boolean sameBackend(ServiceEntry a, ServiceEntry b) {
      return a.backend() == null ? b.backend() == null : a.backend().equals(b.backend());
    }

    private Map<String, Locations> locations() {
      Map<String, Map<String, List<ServiceMatch>>> segments = new HashMap<>();
      Map<String, ServiceMatch> roots = new HashMap<>();
      for (List<ServiceEntry> published : byLocation.values()) {
        ServiceEntry first = published.get(0);
        boolean conflict = false;
        for (ServiceEntry other : published) {
          if (!other.serviceType().equals(first.serviceType())) {
            problem(other, RouteFile.URL, other.url().toString(), "is also where " + first.cloud() + " publishes service type '"
                + first.serviceType() + "' (services[" + first.index() + "]); one URL prefix serves one service type");
            conflict = true;
          }
        }
        if (conflict) continue;
        ServiceMatch match = serviceMatch(published);
        String authority = first.url().address().toString();
        String path = first.url().path();
        if (path.isEmpty()) {
          roots.put(authority, match);
        } else {
          segments.computeIfAbsent(authority, a -> new HashMap<>())
              .computeIfAbsent(firstSegment(path), s -> new ArrayList<>()).add(match);
        }
      }
      Map<String, Locations> byAuthority = new HashMap<>();
      Set<String> authorities = new TreeSet<>(roots.keySet());
      authorities.addAll(segments.keySet());
      for (String authority : authorities) {
        Map<String, ServiceMatch[]> bySegment = new HashMap<>();
        segments.getOrDefault(authority, Map.of()).forEach((segment, matches) -> bySegment.put(segment,
            matches.stream()
                .sorted(Comparator.comparingInt((ServiceMatch m) -> m.location().path().length()).reversed())
                .toArray(ServiceMatch[]::new)));
        byAuthority.put(authority, new Locations(Map.copyOf(bySegment), roots.get(authority)));
      }
      return byAuthority;
    }

    /** A location's match, with the destination of its service in every cloud. */
    private ServiceMatch serviceMatch(List<ServiceEntry> published) {
      String type = published.get(0).serviceType();
      TreeSet<Interface> interfaces = new TreeSet<>();
      published.forEach(e -> interfaces.add(e.iface()));
      Map<String, Destination> destinations = new HashMap<>();
      byCloud.forEach((cloud, services) -> {
        Map<Interface, ServiceEntry> offered = services.get(type);
        if (offered == null) return;
        for (Interface iface : interfaces) {
          ServiceEntry target = offered.get(iface);
          if (target == null) continue;
          destinations.put(cloud, cloud.equals(localCloud)
              ? new Destination.Local(target.backend())
              : new Destination.Remote(cloud, frontendByCloud.get(cloud), target.url()));
          return;
        }
      });
      return new ServiceMatch(type, interfaces.first(), published.get(0).url(), destinations);
    }

    private void problem(ServiceEntry entry, String field, String value, String message) {
      problems.add(Problem.ofEntry(source, entry.index(), field, value, message));
    }
  }
}
