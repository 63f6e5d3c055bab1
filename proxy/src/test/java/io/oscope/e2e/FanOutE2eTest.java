package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code &} fan-outs with the real CLI: {@code image list} with {@code --limit 1}, pages of one
 * image, so that the CLI follows the merged list's {@code next} links through both clouds (their
 * {@code cirros} IDs prove which answered), and {@code server list} over both clouds' Nova, a server
 * booted in each for CloudOne's project (the second with the scope of {@link
 * IdentityCollaborationE2eTest}). Servers are skipped, saying so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class FanOutE2eTest {
  private static final String IMAGES = "{\"image\": \"CloudOne & CloudTwo\"}";
  private static final String SERVERS = "{\"compute\": \"CloudOne & CloudTwo\"}";
  private static final String IN_TWO =
      "{\"identity\": \"CloudOne\", \"compute\": \"CloudTwo\", \"placement\": \"CloudTwo\", \"network\": \"CloudTwo\"}";

  @Test
  void imageListListsBothClouds(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    Cli.Result whole = cli.run("image list, CloudOne's credentials, " + IMAGES, one.demo(),
        "image", "list", "-f", "json", "--os-scope", IMAGES);
    assertThat(whole.exit()).as(whole.describe()).isZero();
    List<String> ids = whole.ids();
    assertThat(ids).as("both clouds' images").contains(one.imageId(), two.imageId());
    assertThat(new HashSet<>(ids)).as("no image twice").hasSize(ids.size());
  }

  @Test
  @Disabled("open (issue 16): openstackclient's image list turns the SDK's pagination off when --limit is given"
      + " (openstackclient/image/v2/image.py: paginated=False), so it never follows a next link; a walk by the"
      + " real CLI needs more images than a page, without --limit")
  void imageListWalksBothCloudsPageByPage(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    Cli.Result r = cli.run("image list --limit 1, CloudOne's credentials, " + IMAGES, one.demo(),
        "image", "list", "--limit", "1", "-f", "json", "--os-scope", IMAGES);
    assertThat(r.exit()).as(r.describe()).isZero();
    List<String> ids = r.ids();
    assertThat(ids).as("both clouds' images, through the next links").contains(one.imageId(), two.imageId());
    assertThat(new HashSet<>(ids)).as("no image twice").hasSize(ids.size());

    Cli.Result whole = cli.run("image list, CloudOne's credentials, " + IMAGES, one.demo(),
        "image", "list", "-f", "json", "--os-scope", IMAGES);
    assertThat(whole.exit()).as(whole.describe()).isZero();
    assertThat(whole.ids()).as("the same images in one page").containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  @Disabled("open (issues 16, 21): CloudTwo's Nova asks CloudOne's Neutron for the ports, the scope's default,"
      + " with its own service token, which CloudOne's Keystone does not know (401): the ill collaboration")
  void serverListListsTheServersOfBothClouds(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    String inOne = null;
    String inTwo = null;
    try {
      Cli.Result first = Servers.create(cli, "server create --wait in CloudOne, CloudOne's credentials", one.demo(),
          null, one.imageId(), Servers.uniqueName("fan-out-one"));
      assertThat(first.exit()).as(first.describe()).isZero();
      inOne = first.json().get("id").asText();
      Cli.Result second = Servers.create(cli, "server create --wait in CloudTwo, CloudOne's credentials, " + IN_TWO,
          one.demo(), IN_TWO, one.imageId(), Servers.uniqueName("fan-out-two"));
      assertThat(second.exit()).as(second.describe()).isZero();
      inTwo = second.json().get("id").asText();

      List<String> ids = Servers.ids(cli, "server list, CloudOne's credentials, " + SERVERS, one.demo(),
          "--os-scope", SERVERS);
      assertThat(ids).contains(inOne, inTwo);
      assertThat(new HashSet<>(ids)).as("no server twice").hasSize(ids.size());
    } finally {
      if (inOne != null) Servers.delete(cli, "server delete --wait in CloudOne", one.demo(), null, inOne);
      if (inTwo != null) Servers.delete(cli, "server delete --wait in CloudTwo, " + IN_TWO, one.demo(), IN_TWO, inTwo);
    }
  }
}
