package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code openstack server …} for the compute end-to-end tests: the CLI with compute microversion
 * 2.37, servers on the network {@code private} that {@code dev/clouds} makes in each cloud, names
 * unique to a run, and the checks every test makes.
 */
final class Servers {
  static final String FLAVOR = "m1.tiny";
  static final String NETWORK = "private";

  private Servers() {}

  /** {@code oscope-e2e-WHAT-<8 hex digits>}. */
  static String uniqueName(String what) {
    return "oscope-e2e-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The credentials with {@code OS_COMPUTE_API_VERSION=2.37}. */
  static Map<String, String> compute(Map<String, String> credentials) {
    Map<String, String> copy = new HashMap<>(credentials);
    copy.put("OS_COMPUTE_API_VERSION", "2.37");
    return copy;
  }

  /**
   * {@code server create --image IMAGE --flavor m1.tiny --network private --wait -f json NAME
   * [--os-scope SCOPE]}: the network {@code private} of the cloud the scope names for {@code network}.
   */
  static Cli.Result create(Cli cli, String step, Map<String, String> credentials, String scope, String image,
      String name) throws Exception {
    List<String> args = new ArrayList<>(List.of("server", "create", "--image", image, "--flavor", FLAVOR,
        "--network", NETWORK, "--wait", "-f", "json", name));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    return cli.run(step, compute(credentials), args.toArray(String[]::new));
  }

  /** {@code server show -f json ID [--os-scope SCOPE]}, which must succeed. */
  static JsonNode show(Cli cli, String step, Map<String, String> credentials, String scope, String id)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("server", "show", "-f", "json", id));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Cli.Result r = cli.run(step, compute(credentials), args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    return r.json();
  }

  /** The IDs that {@code server list -f json ARGS} gives, which must succeed. */
  static List<String> ids(Cli cli, String step, Map<String, String> credentials, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("server", "list", "-f", "json"));
    command.addAll(List.of(args));
    Cli.Result r = cli.run(step, compute(credentials), command.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    return r.ids();
  }

  /** {@code server delete --wait ID [--os-scope SCOPE]}, which must succeed. */
  static void delete(Cli cli, String step, Map<String, String> credentials, String scope, String id) throws Exception {
    List<String> args = new ArrayList<>(List.of("server", "delete", "--wait", id));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Cli.Result r = cli.run(step, compute(credentials), args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
  }

  /**
   * The ports of a server in one cloud's Neutron, as that cloud's admin sees them: {@code port
   * list --device-id ID -f json}, which must succeed. Each is a {@code port list} row (ID, Fixed IP Addresses…).
   */
  static List<JsonNode> ports(Cli cli, String step, Map<String, String> admin, String serverId) throws Exception {
    Cli.Result r = cli.run(step, admin, "port", "list", "--device-id", serverId, "-f", "json");
    assertThat(r.exit()).as(r.describe()).isZero();
    List<JsonNode> ports = new ArrayList<>();
    r.json().forEach(ports::add);
    return ports;
  }

  /** The image ID of a server as {@code server show} gives it: {@code "cirros (ID)"}, or just the ID. */
  static String imageId(JsonNode server) {
    String image = server.path("image").asText();
    int open = image.lastIndexOf('(');
    return open >= 0 && image.endsWith(")") ? image.substring(open + 1, image.length() - 1) : image;
  }
}
