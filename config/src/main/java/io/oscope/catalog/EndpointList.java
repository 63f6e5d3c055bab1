package io.oscope.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.oscope.routes.Interface;
import io.oscope.routes.Problem;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cloud's catalogue as {@code openstack endpoint list -f json} prints it, short form
 * ({@code -c "Service Type" -c "Interface" -c "URL" -c "Region"}) or full form (with {@code ID},
 * {@code Service Name} and {@code Enabled}, which are ignored but for {@code Enabled}).
 *
 * <p>Parsing never throws: disabled rows are {@link #skipped() skipped} with a notice, malformed
 * rows are left out and each of their problems recorded in {@link #problems()}, so that the
 * generator can report the problems of every input at once.
 *
 * <pre>{@code
 * EndpointList list = EndpointList.read(Path.of("endpoint-list-CloudOne.json"));
 * list.skipped().forEach(System.err::println);
 * }</pre>
 *
 * @param source the file (or other input) name used in problems
 * @param endpoints the enabled, well-formed rows, in file order
 * @param skipped a notice per disabled row
 * @param problems every problem found
 */
public record EndpointList(String source, List<Endpoint> endpoints, List<Problem> skipped, List<Problem> problems) {
  static final String SERVICE_TYPE = "Service Type";
  static final String INTERFACE = "Interface";
  static final String URL = "URL";
  static final String REGION = "Region";
  static final String ENABLED = "Enabled";

  public EndpointList {
    endpoints = List.copyOf(endpoints);
    skipped = List.copyOf(skipped);
    problems = List.copyOf(problems);
  }

  /** Reads the endpoint list at {@code path}; an unreadable file is a problem of the result. */
  public static EndpointList read(Path path) {
    try {
      return parse(path.toString(), Files.readAllBytes(path));
    } catch (IOException e) {
      return new EndpointList(path.toString(), List.of(), List.of(),
          List.of(Problem.of(path.toString(), "cannot read: " + e)));
    }
  }

  /** Parses endpoint-list JSON; {@code source} names it in problems. */
  public static EndpointList parse(String source, byte[] content) {
    List<Problem> problems = new ArrayList<>();
    JsonNode root = Json.read(source, content, problems);
    return root == null ? new EndpointList(source, List.of(), List.of(), problems) : of(source, root);
  }

  /** Checks an endpoint list already in JSON form, e.g. one built from a live catalogue. */
  static EndpointList of(String source, JsonNode root) {
    List<Problem> problems = new ArrayList<>();
    List<Problem> skipped = new ArrayList<>();
    List<Endpoint> endpoints = new ArrayList<>();
    if (!root.isArray()) {
      problems.add(Problem.of(source,
          "expected a JSON list of endpoints, as printed by `openstack endpoint list -f json`"));
    } else if (root.isEmpty()) {
      problems.add(Problem.of(source, "the endpoint list is empty"));
    } else {
      for (int i = 0; i < root.size(); i++) {
        Row row = new Row(source, i, root.get(i), problems);
        Endpoint endpoint = row.endpoint(skipped);
        if (endpoint != null) endpoints.add(endpoint);
      }
    }
    return new EndpointList(source, endpoints, skipped, problems);
  }

  /** One row, checked field by field; problems are recorded, not thrown. */
  private record Row(String source, int index, JsonNode node, List<Problem> problems) {
    Endpoint endpoint(List<Problem> skipped) {
      if (!node.isObject()) {
        problems.add(new Problem(source, entry(), null, null, "an endpoint must be a JSON object"));
        return null;
      }
      int before = problems.size();
      JsonNode enabled = node.get(ENABLED);
      if (enabled != null && !enabled.isNull()) {
        if (!enabled.isBoolean()) {
          problem(ENABLED, Json.shown(enabled), "must be true or false");
        } else if (!enabled.asBoolean()) {
          skipped.add(new Problem(source, entry(), ENABLED, "false", "skipped: the endpoint is disabled ("
              + String.join(" ", shown(REGION), shown(SERVICE_TYPE), shown(INTERFACE), shown(URL)) + ")"));
          return null;
        }
      }
      String region = text(REGION);
      String type = name(SERVICE_TYPE, "service type");
      String ifaceText = text(INTERFACE);
      Interface iface = null;
      if (ifaceText != null) {
        iface = Interface.parse(ifaceText);
        if (iface == null) problem(INTERFACE, ifaceText, "must be public, internal or admin");
      }
      String urlText = text(URL);
      ServiceUrl url = null;
      if (urlText != null) {
        try {
          url = ServiceUrl.parse(urlText);
          if (url.address().port() == 0) throw new IllegalArgumentException("port 0 is not in 1..65535");
        } catch (IllegalArgumentException e) {
          problem(URL, urlText, e.getMessage());
          url = null;
        }
      }
      if (problems.size() > before) return null;
      return new Endpoint(source, index, region, type, iface, urlText, url);
    }

    private String text(String field) {
      return Json.text(node, field, true, this::problem);
    }

    private String name(String field, String what) {
      String value = text(field);
      if (value != null && !Names.isValid(value)) {
        problem(field, value, "is not a valid " + what + ": it " + Names.whyInvalid(value));
        return null;
      }
      return value;
    }

    private String shown(String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? "-" : Json.shown(value);
    }

    private String entry() {
      return "[" + index + "]";
    }

    private void problem(String field, String value, String message) {
      problems.add(new Problem(source, entry(), field, value, message));
    }
  }
}
