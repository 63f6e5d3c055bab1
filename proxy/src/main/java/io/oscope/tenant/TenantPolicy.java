package io.oscope.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.scope.Names;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may send what where, from a policy file an operator writes ({@code --tenant-policy}):
 *
 * <pre>{@code
 * {
 *   "remote_roles": {"compute": ["admin", "cross-cloud"], "*": ["member"]},
 *   "project_clouds": {"4f1c0a...": ["CloudOne"], "9e2d...": ["CloudOne", "CloudTwo"]}
 * }
 * }</pre>
 *
 * <p>{@code remote_roles}: to send a service to another cloud than the proxy's own, a token needs
 * one of the roles listed for that service type ({@code "*"}: for every type not listed). {@code
 * project_clouds}: the only clouds a project's requests may go to (a project not listed may use
 * every cloud). Both are optional; an empty policy allows everything. The file is validated as a
 * whole: every problem is reported at once, naming its field.
 */
public record TenantPolicy(Map<String, Set<String>> remoteRoles, Map<String, Set<String>> projectClouds) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The key of {@code remote_roles} that stands for every service type not listed. */
  public static final String ANY_SERVICE = "*";
  public static final TenantPolicy NONE = new TenantPolicy(Map.of(), Map.of());

  public TenantPolicy {
    remoteRoles = Map.copyOf(remoteRoles);
    projectClouds = Map.copyOf(projectClouds);
  }

  /** The roles a token needs to send {@code serviceType} to another cloud, or {@code null} when none. */
  public Set<String> rolesToSendAway(String serviceType) {
    Set<String> roles = remoteRoles.get(serviceType);
    return roles != null ? roles : remoteRoles.get(ANY_SERVICE);
  }

  /** The clouds project {@code projectId} may use, or {@code null} when it may use every cloud. */
  public Set<String> cloudsOf(String projectId) {
    return projectClouds.get(projectId);
  }

  /** Whether the policy restricts anything about a request that goes to {@code cloud}, {@code remote} or not. */
  public boolean concerns(String serviceType, boolean remote) {
    return !projectClouds.isEmpty() || remote && rolesToSendAway(serviceType) != null;
  }

  /**
   * The policy of the JSON text {@code json}, read from {@code source}.
   *
   * @throws IllegalArgumentException naming every problem, one per line
   */
  public static TenantPolicy parse(String source, byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException(source + ": not a JSON object");
    List<String> problems = new ArrayList<>();
    for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
      String field = fields.next();
      if (!field.equals("remote_roles") && !field.equals("project_clouds")) {
        problems.add(source + ": unknown field '" + field + "' (known: remote_roles, project_clouds)");
      }
    }
    Map<String, Set<String>> roles = names(source, "remote_roles", root.get("remote_roles"), "role", problems);
    Map<String, Set<String>> clouds = names(source, "project_clouds", root.get("project_clouds"), "cloud", problems);
    for (String type : roles.keySet()) {
      if (!type.equals(ANY_SERVICE) && !Names.isValid(type)) {
        problems.add(source + ": remote_roles: service type '" + type + "' " + Names.whyInvalid(type));
      }
    }
    clouds.forEach((project, names) -> names.stream().filter(name -> !Names.isValid(name)).forEach(name ->
        problems.add(source + ": project_clouds." + project + ": cloud '" + name + "' " + Names.whyInvalid(name))));
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
    return new TenantPolicy(roles, clouds);
  }

  /** An object of non-empty arrays of non-empty strings, every problem added to {@code problems}. */
  private static Map<String, Set<String>> names(String source, String field, JsonNode node, String what,
      List<String> problems) {
    Map<String, Set<String>> result = new TreeMap<>();
    if (node == null) return result;
    if (!node.isObject()) {
      problems.add(source + ": " + field + " must be an object");
      return result;
    }
    node.fields().forEachRemaining(entry -> {
      String at = source + ": " + field + "." + entry.getKey();
      JsonNode list = entry.getValue();
      if (!list.isArray() || list.isEmpty()) {
        problems.add(at + " must be a non-empty array of " + what + " names");
        return;
      }
      Set<String> values = new LinkedHashSet<>();
      for (JsonNode value : list) {
        if (!value.isTextual() || value.asText().isBlank()) problems.add(at + ": " + value + " is not a " + what + " name");
        else values.add(value.asText());
      }
      result.put(entry.getKey(), values);
    });
    return result;
  }
}
