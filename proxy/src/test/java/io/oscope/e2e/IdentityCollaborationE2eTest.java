package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Identity collaboration (OpenStackoïd's misc/examples.sh): CloudOne's credentials, CloudOne's
 * identity, CloudTwo's compute, placement and network; the server on CloudTwo's network
 * {@code private}, which CloudTwo shares with CloudOne's project (dev/clouds). CloudTwo's Nova validates the CloudOne
 * token through the proxies (cross-cloud token validation) and asks for the image — not named by
 * the scope, so CloudOne's, as the CLI's region fills it in — through CloudTwo's proxy, which
 * sends it to CloudOne. The user's catalogue names region CloudOne only: Nova finds Glance by
 * its {@code [glance] endpoint_override} (dev/clouds), not in that catalogue. Skipped, saying
 * so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class IdentityCollaborationE2eTest {
  private static final String SCOPE =
      "{\"identity\": \"CloudOne\", \"compute\": \"CloudTwo\", \"placement\": \"CloudTwo\", \"network\": \"CloudTwo\"}";

  @Test
  void cloudOnesUserBootsInCloudTwo(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();

    Cli.Result project = cli.run("project show demo, CloudOne's admin", one.admin(), "project", "show", "demo", "-f",
        "value", "-c", "id");
    assertThat(project.exit()).as(project.describe()).isZero();
    String cloudOneProject = project.out().strip();

    String name = Servers.uniqueName("identity-collaboration");
    String id = null;
    try {
      Logs.Mark mark = Logs.mark(clouds);
      Cli.Result created = Servers.create(cli, "server create --wait, CloudOne's credentials, " + SCOPE, one.demo(),
          SCOPE, one.imageId(), name);
      assertThat(created.exit()).as(created.describe()).isZero();
      id = created.json().get("id").asText();
      assertThat(created.json().get("status").asText()).as(created.describe()).isEqualTo("ACTIVE");
      // The CLI never goes through CloudTwo's proxy for identity or image (both CloudOne's, reached
      // through CloudOne's proxy): these lines are CloudTwo's Nova validating the token and
      // checking the image, sent on to CloudOne.
      String imagePath = "/v2/images/" + one.imageId();
      assertThat(mark.awaitAccess(two, a -> a.path().endsWith(imagePath))).as("CloudTwo's access log")
          .anySatisfy(a -> {
            assertThat(a.serviceType()).isEqualTo("identity");
            assertThat(a.cloud()).isEqualTo(Clouds.ONE);
            assertThat(a.path()).endsWith("/auth/tokens");
            assertThat(a.status()).isEqualTo(200);
          })
          .anySatisfy(a -> {
            assertThat(a.serviceType()).isEqualTo("image");
            assertThat(a.cloud()).isEqualTo(Clouds.ONE);
            assertThat(a.path()).endsWith(imagePath);
            assertThat(a.status()).isEqualTo(200);
          });

      // It lives in CloudTwo, owned by CloudOne's project.
      assertThat(Servers.ids(cli, "server list --all-projects, CloudTwo's admin", two.admin(), "--all-projects"))
          .contains(id);
      JsonNode inTwo = Servers.show(cli, "server show, CloudTwo's admin", two.admin(), null, id);
      assertThat(inTwo.get("name").asText()).isEqualTo(name);
      assertThat(inTwo.get("status").asText()).isEqualTo("ACTIVE");
      assertThat(inTwo.get("project_id").asText()).as("owner: CloudOne's project demo").isEqualTo(cloudOneProject);
      assertThat(Servers.imageId(inTwo)).as("booted from CloudOne's image").isEqualTo(one.imageId());
      assertThat(Servers.ids(cli, "server list --all-projects, CloudOne's admin", one.admin(), "--all-projects"))
          .doesNotContain(id);
      // Its port is on CloudTwo's network private (shared with CloudOne's project demo), in
      // CloudTwo's Neutron; CloudOne's Neutron has none.
      assertThat(Servers.ports(cli, "port list --device-id, CloudTwo's admin", two.admin(), id)).singleElement()
          .satisfies(port -> assertThat(port.get("Fixed IP Addresses").toString()).contains("10.2.0."));
      assertThat(Servers.ports(cli, "port list --device-id, CloudOne's admin", one.admin(), id)).isEmpty();

      assertThat(Servers.ids(cli, "server list, CloudOne's credentials, " + SCOPE, one.demo(), "--os-scope", SCOPE))
          .contains(id);
      assertThat(Servers.ids(cli, "server list, CloudOne's credentials, no scope", one.demo())).doesNotContain(id);

      Servers.delete(cli, "server delete --wait, " + SCOPE, one.demo(), SCOPE, id);
      String deleted = id;
      id = null;
      assertThat(Servers.ids(cli, "server list --all-projects, CloudTwo's admin, after the delete", two.admin(),
          "--all-projects")).doesNotContain(deleted);
      assertThat(Servers.ports(cli, "port list --device-id, CloudTwo's admin, after the delete", two.admin(), deleted))
          .as("the server's port is removed with it").isEmpty();
    } finally {
      if (id != null) Servers.delete(cli, "cleanup: server delete " + id, two.admin(), null, id);
    }
  }
}
