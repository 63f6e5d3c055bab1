package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance follows the token to the cloud that issued it. Project {@code demo} of CloudTwo is in
 * maintenance (toggled on CloudTwo's Keystone); its user, authenticated by CloudTwo's Keystone
 * ({@code "identity": "CloudTwo"}), writes to CloudOne's Glance through CloudOne's proxy. That proxy
 * cannot judge the token with its own Keystone, which does not know it: it asks CloudTwo's Keystone
 * through CloudTwo's proxy (the peers' signature, CloudTwo's service account), and reads the
 * project's state there too. So the write is refused; reads pass; CloudOne's own {@code demo}
 * project, not in maintenance, writes at the same time; after {@code off} CloudTwo's writes pass.
 * (In CI CloudTwo's Keystone issues JWS tokens: CloudOne's proxy has no keys of CloudTwo's and asks.)
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class CrossCloudMaintenanceE2eTest {
  private static final String FROM_TWO = "{\"identity\": \"CloudTwo\", \"image\": \"CloudOne\"}";

  @Test
  void cloudTwosProjectInMaintenanceCannotWriteThroughCloudOnesProxy(Clouds clouds, Cli cli, @TempDir Path tmp)
      throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    // Both clouds have a user and project demo with the same password; the catalogue CloudTwo's
    // Keystone returns names region CloudTwo only (IdentityScopeE2eTest): no region for the CLI.
    Map<String, String> cloudTwosDemo = Cli.without(one.demo(), "OS_REGION_NAME");
    Path imageFile = tmp.resolve("tiny.img");
    Files.write(imageFile, new byte[4096]);

    // Before: the cross-cloud write works, and lands in CloudOne's Glance.
    String before = created(cli.run("image create, CloudTwo's demo, " + FROM_TWO, cloudTwosDemo, "image", "create",
        "--file", imageFile.toString(), "--disk-format", "raw", "--os-scope", FROM_TWO, "-f", "json",
        Servers.uniqueName("cross-before")));
    assertThat(imagesOfCloudOne(cli, one)).as("CloudOne's Glance has the image").contains(before);

    clouds.oscope(two, "tenant", "maintenance", "on", "demo", "--reason", "Pumphouse: CloudTwo's demo moves");
    try {
      // An image created before the toggle reached the proxy is not the test's business: deleted.
      MaintenanceToggle.Undo deleteImage = done -> cli.run("image delete (created before the toggle arrived)",
          cloudTwosDemo, "image", "delete", "--os-scope", FROM_TWO, done.json().path("id").asText());
      Cli.Result refused = MaintenanceToggle.awaitRefused(cli, deleteImage,
          "image create, CloudTwo's demo in maintenance, " + FROM_TWO, cloudTwosDemo,
          "image", "create", "--file", imageFile.toString(), "--disk-format", "raw", "--os-scope", FROM_TWO, "-f", "json",
          Servers.uniqueName("cross-during"));
      assertThat(refused.err()).contains("409").contains("Pumphouse: CloudTwo's demo moves");
      Cli.Result deleteRefused = cli.run("image delete, CloudTwo's demo in maintenance", cloudTwosDemo, "image", "delete",
          "--os-scope", FROM_TWO, before);
      assertThat(deleteRefused.exit()).as(deleteRefused.describe()).isNotZero();
      assertThat(deleteRefused.err()).as(deleteRefused.describe()).contains("is in maintenance");

      Cli.Result read = cli.run("image list, CloudTwo's demo in maintenance", cloudTwosDemo, "image", "list",
          "--os-scope", FROM_TWO, "-f", "json");
      assertThat(read.exit()).as(read.describe()).isZero();
      assertThat(read.ids()).contains(before);

      // CloudOne's demo is another project, of another Keystone: it writes.
      String ofCloudOne = created(cli.run("image create, CloudOne's demo", one.demo(), "image", "create", "--file",
          imageFile.toString(), "--disk-format", "raw", "-f", "json", Servers.uniqueName("cross-other")));
      ok(cli.run("image delete, CloudOne's demo", one.demo(), "image", "delete", ofCloudOne));
    } finally {
      clouds.oscope(two, "tenant", "maintenance", "off", "demo");
    }

    Cli.Result deleted = MaintenanceToggle.awaitAccepted(cli, "image delete, CloudTwo's demo, maintenance off", cloudTwosDemo, "image",
        "delete", "--os-scope", FROM_TWO, before);
    ok(deleted);
    assertThat(imagesOfCloudOne(cli, one)).doesNotContain(before);
  }

  private static java.util.List<String> imagesOfCloudOne(Cli cli, Clouds.Cloud one) throws Exception {
    Cli.Result list = cli.run("image list, CloudOne's admin", one.admin(), "image", "list", "-f", "json");
    ok(list);
    return list.ids();
  }

  private static String created(Cli.Result r) throws Exception {
    ok(r);
    return r.json().path("id").asText();
  }

  private static void ok(Cli.Result r) {
    assertThat(r.exit()).as(r.describe()).isZero();
  }
}
