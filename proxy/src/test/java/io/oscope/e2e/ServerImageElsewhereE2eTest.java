package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OpenStackoïd's headline scenario: CloudOne's credentials, {@code {"image": "CloudTwo"}}, a server booted by
 * CloudOne's Nova from an image that only CloudTwo's Glance has. Nova checks the image with the
 * user's scoped token before it creates anything; its call goes to CloudOne's proxy (its
 * HTTP_PROXY), which sends it to CloudTwo. Had it reached CloudOne's Glance, the create would fail
 * with "Image not found". Skipped, saying so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class ServerImageElsewhereE2eTest {
  private static final String SCOPE = "{\"image\": \"CloudTwo\"}";

  @Test
  void bootInCloudOneFromCloudTwosImage(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    String image = two.imageId();

    Cli.Result absent = cli.run("image show CloudTwo's image, CloudOne's credentials, no scope (must fail)", one.demo(),
        "image", "show", image);
    assertThat(absent.exit()).as("the image must exist only in CloudTwo: " + absent.describe()).isNotZero();

    String name = Servers.uniqueName("image-elsewhere");
    String id = null;
    try {
      Cli.Result created = Servers.create(cli, "server create --wait, CloudOne's credentials, " + SCOPE
          + ", CloudTwo's image", one.demo(), SCOPE, image, name);
      assertThat(created.exit()).as(created.describe()).isZero();
      JsonNode server = created.json();
      id = server.get("id").asText();
      assertThat(server.get("status").asText()).as(created.describe()).isEqualTo("ACTIVE");

      JsonNode shown = Servers.show(cli, "server show, " + SCOPE, one.demo(), SCOPE, id);
      assertThat(shown.get("name").asText()).isEqualTo(name);
      assertThat(shown.get("status").asText()).isEqualTo("ACTIVE");
      assertThat(Servers.imageId(shown)).as("the server's image: CloudTwo's").isEqualTo(image);

      // Its port is on CloudOne's network private, in CloudOne's Neutron (the scope names no
      // network: the CLI's region fills in CloudOne); CloudTwo's Neutron has none.
      assertThat(Servers.ports(cli, "port list --device-id, CloudOne's admin", one.admin(), id)).singleElement()
          .satisfies(port -> assertThat(port.get("Fixed IP Addresses").toString()).contains("10.1.0."));
      assertThat(Servers.ports(cli, "port list --device-id, CloudTwo's admin", two.admin(), id)).isEmpty();

      // The server lives in CloudOne: its admin sees it, CloudTwo's does not.
      assertThat(Servers.ids(cli, "server list --all-projects, CloudOne's admin", one.admin(), "--all-projects"))
          .contains(id);
      assertThat(Servers.ids(cli, "server list --all-projects, CloudTwo's admin", two.admin(), "--all-projects"))
          .doesNotContain(id);

      Servers.delete(cli, "server delete --wait, " + SCOPE, one.demo(), SCOPE, id);
      String deleted = id;
      id = null;
      assertThat(Servers.ids(cli, "server list --all-projects, CloudOne's admin, after the delete", one.admin(),
          "--all-projects")).doesNotContain(deleted);
      assertThat(Servers.ports(cli, "port list --device-id, CloudOne's admin, after the delete", one.admin(), deleted))
          .as("the server's port is removed with it").isEmpty();
      // What ServerImageCloudDownE2eTest relies on to say that nothing was recorded: a deleted
      // server is still listed with --deleted.
      assertThat(Servers.ids(cli, "server list --all-projects --deleted --name, CloudOne's admin, after the delete",
          one.admin(), "--all-projects", "--deleted", "--name", name)).containsExactly(deleted);
    } finally {
      if (id != null) Servers.delete(cli, "cleanup: server delete " + id, one.admin(), null, id);
    }
  }
}
