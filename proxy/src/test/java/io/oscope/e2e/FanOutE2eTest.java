package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code &} fan-outs with the real CLI: {@code image list} over both clouds (their {@code cirros}
 * IDs prove which answered); the same with more images than Glance's default page of 25, so that
 * the CLI follows the merged list's {@code next} links page after page; and {@code server list}
 * over both clouds' Nova, a server booted in each for CloudOne's project (the second with the scope
 * of {@link IdentityCollaborationE2eTest}). Servers are skipped, saying so, unless the clouds run
 * with compute.
 *
 * <p>Why not {@code image list --limit N}, which would make pages without creating images:
 * openstackclient turns the SDK's pagination off when {@code --limit} is given
 * (openstackclient/image/v2/image.py, {@code paginated=False}), so it shows one page and never
 * follows a {@code next} link.
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
  void imageListWalksBothCloudsPageByPage(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    Cli.Result issued = cli.run("token issue, CloudOne's demo", one.demo(), "token", "issue", "-f", "json");
    assertThat(issued.exit()).as(issued.describe()).isZero();
    String token = issued.json().path("id").asText();
    Cli.Result first = cli.run("image list, CloudOne's credentials, " + IMAGES, one.demo(),
        "image", "list", "-f", "json", "--os-scope", IMAGES);
    assertThat(first.exit()).as(first.describe()).isZero();
    // Images of CloudOne's demo project in each cloud (through CloudOne's proxy, with the REST API:
    // one CLI run per image would take minutes), until both clouds hold more than a merged page.
    int perCloud = Math.max(3, (GLANCE_PAGE + 6 - first.ids().size()) / 2);
    List<String> inOne = new ArrayList<>();
    List<String> inTwo = new ArrayList<>();
    try {
      for (int i = 0; i < perCloud; i++) {
        inOne.add(createImage(one, token, IN_ONE, "fan-out-walk-one-" + i));
        inTwo.add(createImage(one, token, IMAGE_IN_TWO, "fan-out-walk-two-" + i));
      }
      Cli.Result walked = cli.run("image list (pages of " + GLANCE_PAGE + "), CloudOne's credentials, " + IMAGES,
          one.demo(), "image", "list", "-f", "json", "--os-scope", IMAGES);
      assertThat(walked.exit()).as(walked.describe()).isZero();
      List<String> ids = walked.ids();
      assertThat(ids.size()).as("more than one merged page: the CLI followed next links").isGreaterThan(GLANCE_PAGE);
      assertThat(new HashSet<>(ids)).as("no image twice").hasSize(ids.size());
      assertThat(ids).as("every image of both clouds, the new ones and cirros")
          .containsAll(inOne).containsAll(inTwo).contains(one.imageId(), two.imageId());
    } finally {
      for (String id : inOne) deleteImage(one, token, IN_ONE, id);
      for (String id : inTwo) deleteImage(one, token, IMAGE_IN_TWO, id);
    }
  }

  /**
   * Scopes for the images made with the REST API: identity named, as the CLI plugin names every
   * type; a type a scope leaves out is the local cloud of each proxy, so CloudTwo's would check
   * CloudOne's token with CloudTwo's Keystone.
   */
  private static final String IN_ONE = "{\"identity\": \"CloudOne\", \"image\": \"CloudOne\"}";
  private static final String IMAGE_IN_TWO = "{\"identity\": \"CloudOne\", \"image\": \"CloudTwo\"}";

  /** Glance's {@code limit_param_default}: a merged page without {@code limit} holds as many. */
  private static final int GLANCE_PAGE = 25;

  /** Creates an image record (no data) through {@code via}'s proxy, in the cloud {@code scope} names; its ID. */
  private static String createImage(Clouds.Cloud via, String token, String scope, String name) throws Exception {
    HttpResponse<String> r = via.send(HttpRequest.newBuilder(URI.create(via.publicUrl("image") + "/v2/images"))
        .header("X-Auth-Token", token + "!SCOPE!" + scope).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\", \"disk_format\": \"raw\", "
            + "\"container_format\": \"bare\"}")));
    assertThat(r.statusCode()).as("POST /v2/images " + scope + ": " + r.body()).isEqualTo(201);
    return new ObjectMapper().readTree(r.body()).path("id").asText();
  }

  private static void deleteImage(Clouds.Cloud via, String token, String scope, String id) throws Exception {
    HttpResponse<String> r = via.send(HttpRequest.newBuilder(URI.create(via.publicUrl("image") + "/v2/images/" + id))
        .header("X-Auth-Token", token + "!SCOPE!" + scope).DELETE());
    assertThat(r.statusCode()).as("DELETE /v2/images/" + id + " " + scope + ": " + r.body()).isEqualTo(204);
  }

  @Test
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
