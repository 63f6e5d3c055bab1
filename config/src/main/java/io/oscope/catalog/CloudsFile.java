package io.oscope.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.oscope.routes.ConfigException;
import io.oscope.routes.HostPort;
import io.oscope.routes.Problem;
import io.oscope.scope.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The small file that says, per cloud, what the catalogue cannot: the address of the cloud's
 * proxy, where its endpoint list is, which Keystone region its endpoints are in, and the backends
 * of the services whose catalogue URL is the proxy itself.
 *
 * <pre>{@code
 * {"clouds": {
 *   "CloudOne": {"frontend": "127.0.0.1:8881", "endpoints": "endpoint-list-CloudOne.json",
 *                "backends": {"image": "127.0.0.1:15292"}},
 *   "CloudTwo": {"frontend": "127.0.0.1:8882", "endpoints": "endpoint-list-CloudTwo.json",
 *                "region": "RegionOne"}}}
 * }</pre>
 *
 * <ul>
 *   <li>A cloud's name is what a scope names it by, in an HTTP header: 1 to 64 letters, digits or
 *       {@code !#$%'*+-.^_`~} ({@code &} and {@code |} compose clouds in a scope).
 *   <li>{@code region} (optional): the Keystone region of the cloud's endpoints; by default its
 *       name. Two clouds may share a region (two devstacks, both {@code RegionOne}) when each has
 *       its own endpoint list, from its own Keystone: that list says whose endpoints they are.
 *   <li>{@code frontend} (required): {@code host:port} of the cloud's oscope proxy; one per cloud.
 *   <li>{@code endpoints} (optional): the cloud's {@code openstack endpoint list -f json} output,
 *       relative to the clouds file's folder. Leave it out when another list already has the
 *       cloud's region, or when the list is given otherwise (command line, live Keystone).
 *   <li>{@code backends} (optional): service type → {@code host:port}. By default a service's
 *       backend is the authority of its catalogue URL; name it here when that URL is a proxy.
 * </ul>
 *
 * <pre>{@code CloudsFile clouds = CloudsFile.read(Path.of("clouds.json"));}</pre>
 *
 * @param source the file name used in problems
 * @param clouds the clouds by name, sorted
 */
public record CloudsFile(String source, Map<String, Cloud> clouds) {
  private static final Set<String> CLOUD_FIELDS = Set.of("frontend", "endpoints", "region", "backends");

  public CloudsFile {
    Objects.requireNonNull(source, "source");
    clouds = Collections.unmodifiableMap(new TreeMap<>(clouds));
    if (clouds.isEmpty()) throw new IllegalArgumentException("a clouds file names at least one cloud");
  }

  /**
   * One cloud of the clouds file.
   *
   * @param name the cloud's name, as scopes and the route file's {@code Region} column name it
   * @param region the Keystone region of its endpoints
   * @param frontend its proxy's address
   * @param endpoints its endpoint list, or {@code null}
   * @param backends backend by service type, overriding the catalogue URLs' authorities
   */
  public record Cloud(String name, String region, HostPort frontend, Path endpoints, Map<String, HostPort> backends) {
    public Cloud {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(frontend, "frontend");
      backends = Collections.unmodifiableMap(new TreeMap<>(backends));
    }

    /** A cloud whose region is its name. */
    public Cloud(String name, HostPort frontend, Path endpoints, Map<String, HostPort> backends) {
      this(name, name, frontend, endpoints, backends);
    }

    /** How messages name it: {@code region CloudOne}, or {@code cloud CloudOne (region RegionOne)}. */
    String described() {
      return region.equals(name) ? "region " + name : "cloud " + name + " (region " + region + ")";
    }
  }

  /** The clouds whose region is {@code region}, by name. */
  public List<Cloud> inRegion(String region) {
    return clouds.values().stream().filter(cloud -> cloud.region().equals(region)).toList();
  }

  /**
   * The catalogues of the clouds: {@code given} lists by cloud name (read from elsewhere, say a
   * live Keystone), else the files this clouds file names, read now. A cloud with neither has no
   * list of its own; another list may still have its region.
   */
  public List<Catalogue> catalogues(Map<String, EndpointList> given) {
    List<Catalogue> catalogues = new ArrayList<>();
    for (Cloud cloud : clouds.values()) {
      EndpointList list = given.get(cloud.name());
      if (list == null && cloud.endpoints() != null) list = EndpointList.read(cloud.endpoints());
      if (list != null) catalogues.add(new Catalogue(cloud.name(), list));
    }
    return catalogues;
  }

  /** Reads the clouds file at {@code path}; relative endpoint lists are resolved against its folder. */
  public static CloudsFile read(Path path) throws ConfigException {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ConfigException(List.of(Problem.of(path.toString(), "cannot read: " + e)));
    }
    Path folder = path.getParent();
    return parse(path.toString(), content, folder == null ? Path.of("") : folder);
  }

  /** Parses clouds-file JSON, resolving relative endpoint lists against {@code folder}. */
  public static CloudsFile parse(String source, byte[] content, Path folder) throws ConfigException {
    List<Problem> problems = new ArrayList<>();
    JsonNode root = Json.read(source, content, problems);
    if (root == null) throw new ConfigException(problems);
    if (!root.isObject()) {
      throw new ConfigException(List.of(Problem.of(source, "expected an object: {\"clouds\": {\"NAME\": "
          + "{\"frontend\": \"host:port\", \"endpoints\": \"FILE\", \"region\": \"REGION\", \"backends\": {\"TYPE\": \"host:port\"}}}}")));
    }
    root.fieldNames().forEachRemaining(field -> {
      if (!field.equals("clouds")) problems.add(new Problem(source, null, field, null, "unknown field; expected only \"clouds\""));
    });
    JsonNode clouds = root.get("clouds");
    if (clouds == null || !clouds.isObject()) {
      problems.add(new Problem(source, null, "clouds", clouds == null ? null : Json.shown(clouds),
          "must be an object of clouds by name"));
    } else if (clouds.isEmpty()) {
      problems.add(new Problem(source, null, "clouds", "{}", "names no cloud"));
    }
    Map<String, Cloud> byName = new TreeMap<>();
    Map<HostPort, String> cloudByFrontend = new HashMap<>();
    Map<String, String> cloudByRegionAndList = new HashMap<>();
    if (clouds != null && clouds.isObject()) {
      for (Map.Entry<String, JsonNode> field : clouds.properties()) {
        Cloud cloud = new CloudParser(source, field.getKey(), folder, problems).cloud(field.getValue());
        if (cloud == null) continue;
        String other = cloudByFrontend.putIfAbsent(cloud.frontend(), cloud.name());
        if (other != null) {
          problems.add(new Problem(source, "clouds." + cloud.name(), "frontend", cloud.frontend().toString(),
              "is also the frontend of " + other + "; each cloud has its own proxy"));
        }
        if (cloud.endpoints() != null) {
          String same = cloudByRegionAndList.putIfAbsent(cloud.region() + "|" + cloud.endpoints(), cloud.name());
          if (same != null) {
            problems.add(new Problem(source, "clouds." + cloud.name(), "region", cloud.region(), "is also the region of "
                + same + ", whose endpoint list is the same file (" + cloud.endpoints() + "): one Keystone cannot tell"
                + " two clouds apart in one region; give them distinct regions in Keystone and in \"region\", or"
                + " each cloud the list of its own Keystone"));
          }
        }
        byName.put(cloud.name(), cloud);
      }
    }
    if (!problems.isEmpty()) throw new ConfigException(problems);
    return new CloudsFile(source, byName);
  }

  /** Checks one cloud; problems are recorded, not thrown. */
  private record CloudParser(String source, String name, Path folder, List<Problem> problems) {
    Cloud cloud(JsonNode node) {
      int before = problems.size();
      if (!Names.isValid(name)) {
        problems.add(new Problem(source, "clouds", name, null, "is not a valid cloud name: a scope names clouds"
            + " in an HTTP header and composes them with &, |, ( and ), so it must be " + Names.RULE));
      }
      if (!node.isObject()) {
        problem(null, Json.shown(node), "must be an object with \"frontend\", and optionally \"endpoints\", \"region\""
            + " and \"backends\"");
        return null;
      }
      node.fieldNames().forEachRemaining(field -> {
        if (!CLOUD_FIELDS.contains(field)) problem(field, null, "unknown field; expected frontend, endpoints, region or backends");
      });
      String frontendText = text(node, "frontend", true);
      HostPort frontend = frontendText == null ? null : address(entry(), "frontend", frontendText);
      Path endpoints = null;
      String endpointsText = text(node, "endpoints", false);
      if (endpointsText != null) {
        try {
          endpoints = folder.resolve(endpointsText).normalize();
        } catch (InvalidPathException e) {
          problem("endpoints", endpointsText, "is not a valid path: " + e.getReason());
        }
      }
      String region = text(node, "region", false);
      Map<String, HostPort> backends = backends(node.get("backends"), frontend);
      return problems.size() > before ? null : new Cloud(name, region == null ? name : region, frontend, endpoints, backends);
    }

    private Map<String, HostPort> backends(JsonNode node, HostPort frontend) {
      Map<String, HostPort> backends = new TreeMap<>();
      if (node == null) return backends;
      if (!node.isObject()) {
        problem("backends", Json.shown(node), "must be an object of host:port by service type");
        return backends;
      }
      String entry = entry() + ".backends";
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String type = field.getKey();
        JsonNode value = field.getValue();
        if (!Names.isValid(type)) {
          problems.add(new Problem(source, entry, type, null, "is not a valid service type: it must be "
              + Names.RULE));
        }
        if (!value.isTextual() || value.asText().isBlank()) {
          problems.add(new Problem(source, entry, type, Json.shown(value), "must be a host:port string"));
          continue;
        }
        HostPort backend = address(entry, type, value.asText());
        if (backend != null && backend.equals(frontend)) {
          problems.add(new Problem(source, entry, type, value.asText(),
              "is the frontend of " + name + ": its proxy would send requests to itself"));
        } else if (backend != null) {
          backends.put(type, backend);
        }
      }
      return backends;
    }

    private HostPort address(String entry, String field, String text) {
      try {
        HostPort address = HostPort.parse(text);
        if (address.port() == 0) throw new IllegalArgumentException("port 0 is not in 1..65535");
        return address;
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(source, entry, field, text, e.getMessage()));
        return null;
      }
    }

    private String text(JsonNode node, String field, boolean required) {
      return Json.text(node, field, required, this::problem);
    }

    private String entry() {
      return "clouds." + name;
    }

    private void problem(String field, String value, String message) {
      problems.add(new Problem(source, entry(), field, value, message));
    }
  }
}
