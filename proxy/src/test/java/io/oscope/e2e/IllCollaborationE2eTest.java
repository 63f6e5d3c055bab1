package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OpenStackoïd's "ill collaboration": a server in CloudOne on a network of CloudTwo ({@code
 * {"network": "CloudTwo"}}, CloudOne's credentials). It cannot work: a VM in one cloud cannot
 * plug into another cloud's network unless the clouds share the infrastructure. What happens
 * through oscope with real services: CloudOne's Nova finds CloudTwo's {@code private} (through
 * the proxies, with the user's scoped token, and its own service token, which CloudTwo's proxy
 * has CloudOne's Keystone check), then looks the network up again with its own admin credentials,
 * which carry no scope and so stay in CloudOne: CloudOne's Neutron has no such network, and Nova
 * refuses the create ({@code NetworkNotFoundClient}, HTTP 500) before recording anything. The test
 * checks that the user gets that refusal and that nothing is left behind: no server in CloudOne, no
 * port in either Neutron. Skipped, saying so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class IllCollaborationE2eTest {
  private static final String SCOPE = "{\"network\": \"CloudTwo\"}";

  @Test
  void serverInCloudOneOnCloudTwosNetworkIsRefusedLeavingNothing(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    List<String> portsOne = portIds(cli, "port list, CloudOne's admin, before", one.admin());
    List<String> portsTwo = portIds(cli, "port list, CloudTwo's admin, before", two.admin());

    String name = Servers.uniqueName("ill-collaboration");
    Cli.Result created = Servers.create(cli, "server create --wait, CloudOne's credentials, " + SCOPE
        + " (must fail)", one.demo(), SCOPE, one.imageId(), name);
    List<String> live = Servers.ids(cli, "server list --all-projects --name, CloudOne's admin", one.admin(),
        "--all-projects", "--name", name);
    try {
      assertThat(created.exit()).as("the create must be refused: " + created.describe()).isNotZero();
      assertThat(created.err()).as(created.describe()).contains("NetworkNotFound");
      assertThat(live).as("no server in CloudOne").isEmpty();
      assertThat(Servers.ids(cli, "server list --all-projects --deleted --name, CloudOne's admin", one.admin(),
          "--all-projects", "--deleted", "--name", name)).as("no server recorded in CloudOne, not even deleted")
          .isEmpty();
      assertThat(portIds(cli, "port list, CloudOne's admin, after", one.admin()))
          .as("no port left in CloudOne's Neutron").containsExactlyInAnyOrderElementsOf(portsOne);
      assertThat(portIds(cli, "port list, CloudTwo's admin, after", two.admin()))
          .as("no port left in CloudTwo's Neutron").containsExactlyInAnyOrderElementsOf(portsTwo);
    } finally {
      for (String id : live) Servers.delete(cli, "cleanup: server delete " + id, one.admin(), null, id);
    }
  }

  /** The IDs of every port in a cloud's Neutron ({@code port list -f json}, as its admin). */
  private static List<String> portIds(Cli cli, String step, Map<String, String> admin) throws Exception {
    Cli.Result r = cli.run(step, admin, "port", "list", "-f", "json");
    assertThat(r.exit()).as(r.describe()).isZero();
    return r.ids();
  }
}
