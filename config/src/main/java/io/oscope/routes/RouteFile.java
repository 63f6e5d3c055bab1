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

/**
 * Reads the seed's {@code services.json}: {@code {"services": [{"Service Type", "Interface",
 * "URL", "Region", "Frontend", "Backend"}, …]}}. Extra columns of {@code openstack endpoint list}
 * ({@code ID}, {@code Service Name}, {@code Enabled}) are accepted and ignored. Every problem is
 * collected before failing.
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
  public static List<ServiceEntry> read(Path path) throws RouteFileException {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new RouteFileException(List.of(Problem.ofFile(path.toString(), "cannot read: " + e)));
    }
    return parse(path.toString(), content);
  }

  /** Parses and checks route-file JSON; {@code source} names it in problems. */
  public static List<ServiceEntry> parse(String source, byte[] content) throws RouteFileException {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new RouteFileException(List.of(Problem.ofFile(source,
          "not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr())));
    } catch (IOException e) {
      throw new RouteFileException(List.of(Problem.ofFile(source, "cannot read: " + e)));
    }
    if (root == null || !root.isObject() || !root.path("services").isArray()) {
      throw new RouteFileException(List.of(Problem.ofFile(source,
          "expected an object with a \"services\" list, as in {\"services\": [{\"Service Type\": …}]}")));
    }
    List<Problem> problems = new ArrayList<>();
    List<ServiceEntry> entries = new ArrayList<>();
    JsonNode services = root.get("services");
    for (int i = 0; i < services.size(); i++) {
      ServiceEntry entry = entry(source, i, services.get(i), problems);
      if (entry != null) entries.add(entry);
    }
    if (services.isEmpty()) problems.add(Problem.ofFile(source, "the \"services\" list is empty"));
    if (!problems.isEmpty()) throw new RouteFileException(problems);
    return List.copyOf(entries);
  }

  private static ServiceEntry entry(String source, int index, JsonNode node, List<Problem> problems) {
    if (!node.isObject()) {
      problems.add(new Problem(source, index, null, null, "an entry must be a JSON object"));
      return null;
    }
    Fields fields = new Fields(source, index, node, problems);
    String type = fields.name(SERVICE_TYPE, "service type");
    String cloud = fields.name(REGION, "cloud name");
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
    int before = problems.size();
    if (node.path("Enabled").isBoolean() && !node.get("Enabled").asBoolean()) {
      fields.problem("Enabled", "false", "disabled endpoints do not belong in a route file");
    }
    if (problems.size() > before || type == null || cloud == null || iface == null || url == null || frontend == null) {
      return null;
    }
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
        problem(field, value, "is not a valid " + what
            + " (1 to " + Names.MAX_LENGTH + " letters, digits or !#$%&'*+-.^_`|~)");
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
      problems.add(new Problem(source, index, field, value, message));
    }
  }
}
