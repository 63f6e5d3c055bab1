package io.oscope.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.routes.ConfigException;
import io.oscope.routes.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openstack4j.api.OSClient;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;

/**
 * Reads a cloud's catalogue live from its Keystone (v3) with openstack4j, as the endpoint list
 * {@code openstack endpoint list} would give, with the usual {@code OS_*} credentials:
 * {@code OS_AUTH_URL}, {@code OS_USERNAME}, {@code OS_PASSWORD}, {@code OS_PROJECT_NAME},
 * {@code OS_USER_DOMAIN_NAME} and {@code OS_PROJECT_DOMAIN_NAME} (both {@code Default} when
 * unset).
 *
 * <p>The catalogue is the one of a project-scoped token, which any user may read. Keystone leaves
 * disabled endpoints out of it, and fills URL templates in with the token's project: a path
 * segment equal to that project's ID is turned back into {@code $(project_id)s}, so that the
 * route is the prefix before it, as for the templates of {@code openstack endpoint list}.
 *
 * <pre>{@code EndpointList list = KeystoneCatalog.fetch(null, System.getenv());}</pre>
 */
public final class KeystoneCatalog {
  static final String ENVIRONMENT = "environment";
  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int READ_TIMEOUT_MS = 30_000;

  private KeystoneCatalog() {}

  /**
   * The catalogue of the Keystone at {@code authUrl} ({@code OS_AUTH_URL} when {@code null}),
   * with {@code /v3} appended unless the URL ends with it.
   *
   * @throws ConfigException when credentials are missing from {@code env}
   * @throws IOException when Keystone cannot be reached, refuses the credentials or answers
   *     something that is not a token
   */
  public static EndpointList fetch(String authUrl, Map<String, String> env) throws ConfigException, IOException {
    List<Problem> problems = new ArrayList<>();
    String url = authUrl != null ? authUrl : required(env, "OS_AUTH_URL", problems);
    String user = required(env, "OS_USERNAME", problems);
    String password = required(env, "OS_PASSWORD", problems);
    String project = required(env, "OS_PROJECT_NAME", problems);
    if (!problems.isEmpty()) throw new ConfigException(problems);
    String identity = v3(url);
    Token token;
    try {
      OSClient.OSClientV3 client = OSFactory.builderV3()
          .withConfig(Config.newConfig().withConnectionTimeout(CONNECT_TIMEOUT_MS).withReadTimeout(READ_TIMEOUT_MS))
          .endpoint(identity)
          .credentials(user, password, Identifier.byName(optional(env, "OS_USER_DOMAIN_NAME")))
          .scopeToProject(Identifier.byName(project), Identifier.byName(optional(env, "OS_PROJECT_DOMAIN_NAME")))
          .authenticate();
      token = client.getToken();
    } catch (RuntimeException e) {
      // openstack4j reports refusals, network and decoding failures alike as unchecked exceptions.
      throw new IOException("cannot read the catalogue of " + identity + " as " + user + ": " + e.getMessage(), e);
    }
    if (token == null || token.getCatalog() == null) {
      throw new IOException("the token of " + identity + " has no catalogue");
    }
    String projectId = token.getProject() == null ? null : token.getProject().getId();
    return EndpointList.of("keystone " + identity, rows(token.getCatalog(), projectId));
  }

  /** The catalogue as rows of {@code openstack endpoint list -f json}. */
  private static ArrayNode rows(List<? extends Service> catalog, String projectId) {
    ArrayNode rows = Json.MAPPER.createArrayNode();
    for (Service service : catalog) {
      if (service.getEndpoints() == null) continue;
      for (Endpoint endpoint : service.getEndpoints()) {
        ObjectNode row = rows.addObject();
        row.put(EndpointList.REGION, endpoint.getRegionId() != null ? endpoint.getRegionId() : endpoint.getRegion());
        row.put(EndpointList.SERVICE_TYPE, service.getType());
        row.put(EndpointList.INTERFACE, endpoint.getIface() == null ? null : endpoint.getIface().value());
        row.put(EndpointList.URL, endpoint.getUrl() == null ? null : template(endpoint.getUrl().toString(), projectId));
      }
    }
    return rows;
  }

  /** {@code url} with the path segments equal to {@code projectId} turned back into a template. */
  static String template(String url, String projectId) {
    if (projectId == null || projectId.isEmpty()) return url;
    int scheme = url.indexOf("://");
    int path = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
    if (path < 0) return url;
    String[] segments = url.substring(path).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].equals(projectId)) segments[i] = "$(project_id)s";
    }
    return url.substring(0, path) + String.join("/", segments);
  }

  private static String v3(String url) {
    String trimmed = url.strip();
    while (trimmed.endsWith("/")) trimmed = trimmed.substring(0, trimmed.length() - 1);
    return trimmed.endsWith("/v3") ? trimmed : trimmed + "/v3";
  }

  private static String required(Map<String, String> env, String name, List<Problem> problems) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      problems.add(new Problem(ENVIRONMENT, null, name, null, "is missing; source the cloud's openrc first"));
      return null;
    }
    return value;
  }

  private static String optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? "Default" : value;
  }
}
