package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The network lines of OpenStackoïd's misc/examples.sh, on each cloud's real Neutron: {@code
 * openstack network list} with no scope, then scoped to CloudOne, then to CloudTwo. Each cloud has
 * its own network {@code private} (dev/clouds); only its ID tells which Neutron answered. CloudTwo
 * shares its {@code private} with CloudOne's project {@code demo} (an RBAC policy, as an operator
 * would for a collaborating cloud): CloudOne's user reaches CloudTwo's Neutron with a CloudOne
 * token, so with CloudOne's project ID. With {@code "CloudOne & CloudTwo"}, one list of both. Skipped, saying so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class NetworkE2eTest {

  @Test
  void networkListFollowsTheScope(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    assertThat(one.networkId()).isNotEqualTo(two.networkId());

    assertThat(networkIds(cli, "network list, CloudOne's credentials, no scope", one.demo(), null))
        .contains(one.networkId()).doesNotContain(two.networkId());
    assertThat(networkIds(cli, "network list, {\"network\": \"CloudOne\"}", one.demo(), "{\"network\": \"CloudOne\"}"))
        .contains(one.networkId()).doesNotContain(two.networkId());
    assertThat(networkIds(cli, "network list, {\"network\": \"CloudTwo\"}", one.demo(), "{\"network\": \"CloudTwo\"}"))
        .contains(two.networkId()).doesNotContain(one.networkId());
    assertThat(networkIds(cli, "network list, {\"network\": \"CloudOne & CloudTwo\"}", one.demo(),
        "{\"network\": \"CloudOne & CloudTwo\"}")).contains(one.networkId(), two.networkId()).doesNotHaveDuplicates();
  }

  /** The IDs {@code network list -f json [--os-scope SCOPE]} gives, which must succeed. */
  static List<String> networkIds(Cli cli, String step, Map<String, String> credentials, String scope)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("network", "list", "-f", "json"));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Cli.Result r = cli.run(step, credentials, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    return r.ids();
  }
}
