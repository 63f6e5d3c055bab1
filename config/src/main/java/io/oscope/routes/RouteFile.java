package io.oscope.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.scope.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the OpenStackoïd prototype's {@code services.json}: {@code {"services": [{"Service Type", "Interface",
 * "URL", "Region", "Frontend", "Backend"}, …]}}. Extra columns of {@code openstack endpoint list}
 * ({@code ID}, {@code Service Name}, {@code Enabled}) are accepted and ignored. Every problem is
 * collected before failing; {@link RouteTable#load} adds those found across entries.
 */
public final class RouteFile {
  static final String SERVICE_TYPE = "Service Type";
  static final String INTERFACE = "Interface";
  static final String URL = "URL";
  static final String REGION = "Region";
  static final String FRONTEND = "Frontend";
  static final String BACKEND = "Backend";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RouteFile() {}

  /** Reads and checks the entries of the file at {@code path}. */
  public static List<ServiceEntry> read(Path path) throws ConfigException {
    return readAll(path).entriesOrThrow();
  }

  /** Parses and checks route-file JSON; {@code source} names it in problems. */
  public static List<ServiceEntry> parse(String source, byte[] content) throws ConfigException {
    return parseAll(source, content).entriesOrThrow();
  }

  /**
   * What a route file holds, whatever is wrong with it: the entries that are sound, the problems
   * of the others and of the file as a whole, and every cloud an entry names, sound or not. The
   * route table's compiler checks the sound entries against each other, so that one reading
   * reports the problems of fields and those across entries together.
   */
  record Parsed(List<ServiceEntry> entries, List<Problem> problems, Set<String> clouds) {
    Parsed {
      entries = List.copyOf(entries);
      problems = List.copyOf(problems);
      clouds = Set.copyOf(clouds);
    }

    static Parsed of(Problem problem) {
      return new Parsed(List.of(), List.of(problem), Set.of());
    }

    List<ServiceEntry> entriesOrThrow() throws ConfigException {
      if (!problems.isEmpty()) throw new ConfigException(problems);
      return entries;
    }
  }

  static Parsed readAll(Path path) {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      return Parsed.of(Problem.of(path.toString(), "cannot read: " + e));
    }
    return parseAll(path.toString(), content);
  }

  static Parsed parseAll(String source, byte[] content) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      return Parsed.of(Problem.of(source,
          "not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (IOException e) {
      return Parsed.of(Problem.of(source, "cannot read: " + e));
    }
    if (root == null || !root.isObject() || !root.path("services").isArray()) {
      return Parsed.of(Problem.of(source,
          "expected an object with a \"services\" list, as in {\"services\": [{\"Service Type\": …}]}"));
    }
    List<Problem> problems = new ArrayList<>();
    List<ServiceEntry> entries = new ArrayList<>();
    Set<String> clouds = new TreeSet<>();
    JsonNode services = root.get("services");
    for (int i = 0; i < services.size(); i++) {
      ServiceEntry entry = entry(source, i, services.get(i), problems, clouds);
      if (entry != null) entries.add(entry);
    }
    if (services.isEmpty()) problems.add(Problem.of(source, "the \"services\" list is empty"));
    return new Parsed(entries, problems, clouds);
  }

  private static ServiceEntry entry(String source, int index, JsonNode node, List<Problem> problems, Set<String> clouds) {
    if (!node.isObject()) {
      problems.add(Problem.ofEntry(source, index, null, null, "an entry must be a JSON object"));
      return null;
    }
    int before = problems.size();
    Fields fields = new Fields(source, index, node, problems);
    String type = fields.name(SERVICE_TYPE, "service type");
    String cloud = fields.name(REGION, "cloud name");
    if (cloud != null) clouds.add(cloud);
    String ifaceText = fields.text(INTERFACE, true);
    Interface iface = null;
    if (ifaceText != null) {
      iface = Interface.parse(ifaceText);
      if (iface == null) fields.problem(INTERFACE, ifaceText, "must be public, internal or admin");
    }
    ServiceUrl url = fields.parsed(URL, true, text -> {
      ServiceUrl parsed = ServiceUrl.parse(text);
      routable(parsed.address());
      return parsed;
    });
    Pool frontend = fields.parsed(FRONTEND, true, text -> routable(Pool.parse(text)));
    Pool backend = fields.parsed(BACKEND, false, text -> routable(Pool.parse(text)));
    if (node.path("Enabled").isBoolean() && !node.get("Enabled").asBoolean()) {
      fields.problem("Enabled", "false", "disabled endpoints do not belong in a route file");
    }
    // An entry with any problem is left out whole: checked against the others, a field read as
    // missing would add problems that are not there.
    if (problems.size() > before) return null;
    return new ServiceEntry(index, type, iface, url, cloud, frontend, backend);
  }

  private static HostPort routable(HostPort address) {
    if (address.port() == 0) throw new IllegalArgumentException("port 0 is not in 1..65535");
    return address;
  }

  private static Pool routable(Pool pool) {
    pool.addresses().forEach(RouteFile::routable);
    return pool;
  }

  /** Field access for one entry that records problems instead of throwing. */
  private record Fields(String source, int index, JsonNode node, List<Problem> problems) {
    String text(String field, boolean required) {
      JsonNode value = node.get(field);
      if (value != null && value.isArray() && (field.equals(FRONTEND) || field.equals(BACKEND))) {
        // A pool may also be written as a JSON list of addresses.
        List<String> parts = new ArrayList<>();
        for (JsonNode part : value) {
          if (!part.isTextual()) {
            problem(field, value.toString(), "must list addresses as strings");
            return null;
          }
          parts.add(part.asText());
        }
        if (parts.isEmpty()) {
          problem(field, value.toString(), "is empty");
          return null;
        }
        return String.join(",", parts);
      }
      if (value == null || value.isNull()) {
        if (required) problem(field, null, "is missing");
        return null;
      }
      if (!value.isTextual()) {
        problem(field, value.toString(), "must be a string");
        return null;
      }
      if (value.asText().isBlank()) {
        problem(field, value.asText(), "is empty");
        return null;
      }
      return value.asText();
    }

    String name(String field, String what) {
      String value = text(field, true);
      if (value != null && !Names.isValid(value)) {
        problem(field, value, "is not a valid " + what + ": it " + Names.whyInvalid(value));
        return null;
      }
      return value;
    }

    <T> T parsed(String field, boolean required, java.util.function.Function<String, T> parser) {
      String value = text(field, required);
      if (value == null) return null;
      try {
        return parser.apply(value);
      } catch (IllegalArgumentException e) {
        problem(field, value, e.getMessage());
        return null;
      }
    }

    void problem(String field, String value, String message) {
      problems.add(Problem.ofEntry(source, index, field, value, message));
    }
  }
}
