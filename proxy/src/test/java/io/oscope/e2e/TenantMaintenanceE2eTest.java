package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's Pumphouse test of maintenance mode (fuel-pumphouse-integration.rst), on CloudOne's
 * real Keystone, Nova, Glance and Neutron behind its proxy (dev/clouds runs it with
 * {@code --maintenance}): while project {@code demo} is in maintenance it cannot create, delete or
 * suspend a server, create or delete an image, or create a network, and it can list servers and
 * images; another project does all of it at the same time; a token of {@code demo} with the
 * {@code admin} role writes through; everything works again after {@code off}. The toggles are
 * {@code oscope tenant maintenance on|off} with the admin's openrc, as an operator runs them. The
 * toggles and the refusals arrive on CloudOne's RabbitMQ as oslo.messaging notifications, heard by
 * the test as Pumphouse would hear them (dev/clouds gives the proxies {@code --notifications}).
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class TenantMaintenanceE2eTest {

  @Test
  void aProjectInMaintenanceReadsButCannotWriteOthersAndTheAdminRoleCan(Clouds clouds, Cli cli, @org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Map<String, String> demo = Servers.compute(one.demo());
    Map<String, String> admin = Servers.compute(one.admin());
    Path imageFile = tmp.resolve("tiny.img");
    Files.write(imageFile, new byte[4096]);

    // Another project with a member, its own network and subnet: it works while demo is in maintenance.
    String other = Servers.uniqueName("tenant");
    ok(cli.run("project create (another project)", admin, "project", "create", other, "-f", "json"));
    ok(cli.run("user create", admin, "user", "create", "--project", other, "--password", "other-secret", other));
    ok(cli.run("role add member", admin, "role", "add", "--user", other, "--project", other, "member"));
    ok(cli.run("role add admin on demo (the migration tool)", admin, "role", "add", "--user", "admin", "--project",
        "demo", "admin"));
    Map<String, String> otherUser = new HashMap<>(demo);
    otherUser.put("OS_USERNAME", other);
    otherUser.put("OS_PASSWORD", "other-secret");
    otherUser.put("OS_PROJECT_NAME", other);
    Map<String, String> migrator = new HashMap<>(admin);
    migrator.put("OS_PROJECT_NAME", "demo");

    String before = id(Servers.create(cli, "server create (before maintenance)", demo, null, "cirros",
        Servers.uniqueName("before")));
    String image = id(cli.run("image create (before maintenance)", demo, "image", "create", "--file",
        imageFile.toString(), "--disk-format", "raw", "-f", "json", Servers.uniqueName("image")));

    String bus = clouds.proxyOption(one, "--notifications");
    assertThat(bus).as("dev/clouds --with-compute runs the proxies with --notifications").isNotNull();
    try (Notifications heard = new Notifications(bus)) {
      maintenance(clouds, cli, heard, demo, otherUser, migrator, imageFile, before, image, other);
    }

    Cli.Result deleted = MaintenanceToggle.awaitAccepted(cli, "image delete (demo, maintenance off)", demo, "image", "delete", image);
    ok(deleted);
    Servers.delete(cli, "server delete (demo, maintenance off)", demo, null, before);
    ok(cli.run("project delete (cleanup)", admin, "project", "delete", other));
    ok(cli.run("user delete (cleanup)", admin, "user", "delete", other));
  }

  /** Demo in maintenance: what it may not do, what it and another project may, then off; and what RabbitMQ heard. */
  private static void maintenance(Clouds clouds, Cli cli, Notifications heard, Map<String, String> demo,
      Map<String, String> otherUser, Map<String, String> migrator, Path imageFile, String before, String image,
      String other) throws Exception {
    Clouds.Cloud one = clouds.one();
    String reason = "Pumphouse: migrating to CloudTwo";
    String bus = clouds.proxyOption(one, "--notifications");
    clouds.oscope(one, "tenant", "maintenance", "on", "demo", "--reason", reason, "--notifications", bus);
    String project = heard.await("oscope.tenant.maintenance.on for demo",
        Notifications.event("oscope.tenant.maintenance.on", "project_name", "demo"), 30).path("payload")
        .path("project_id").asText();
    try {
      // A network created before the toggle reached the proxy is not the test's business: deleted.
      MaintenanceToggle.Undo deleteNetwork = created -> cli.run("network delete (created before the toggle arrived)",
          demo, "network", "delete", created.command().get(created.command().size() - 1));
      Cli.Result refused = MaintenanceToggle.awaitRefused(cli, deleteNetwork, "network create (demo, in maintenance)", demo,
          "network", "create", Servers.uniqueName("net"));
      assertThat(refused.err()).contains("409").contains("is in maintenance").contains("Pumphouse: migrating to CloudTwo");

      assertRefused(Servers.create(cli, "server create (demo, in maintenance)", demo, null, "cirros",
          Servers.uniqueName("during")));
      assertRefused(cli.run("server suspend (demo, in maintenance)", demo, "server", "suspend", before));
      assertRefused(cli.run("server delete (demo, in maintenance)", demo, "server", "delete", before));
      assertRefused(cli.run("image create (demo, in maintenance)", demo, "image", "create", "--file",
          imageFile.toString(), "--disk-format", "raw", Servers.uniqueName("image")));
      assertRefused(cli.run("image delete (demo, in maintenance)", demo, "image", "delete", image));

      assertThat(Servers.ids(cli, "server list (demo, in maintenance)", demo)).contains(before);
      Cli.Result images = cli.run("image list (demo, in maintenance)", demo, "image", "list", "-f", "json");
      ok(images);
      assertThat(images.ids()).contains(image);
      assertThat(Servers.show(cli, "server show (demo, in maintenance)", demo, null, before).path("status").asText())
          .as("suspend was refused").isEqualTo("ACTIVE");

      // Another project, at the same time: network, subnet, server, image, and their deletion.
      String network = id(cli.run("network create (another project)", otherUser, "network", "create", "-f", "json",
          other));
      ok(cli.run("subnet create (another project)", otherUser, "subnet", "create", "--network", network,
          "--subnet-range", "10.9.0.0/24", other));
      String server = id(cli.run("server create (another project)", otherUser, "server", "create", "--image", "cirros",
          "--flavor", Servers.FLAVOR, "--network", network, "--wait", "-f", "json", other));
      String otherImage = id(cli.run("image create (another project)", otherUser, "image", "create", "--file",
          imageFile.toString(), "--disk-format", "raw", "-f", "json", other));
      ok(cli.run("image delete (another project)", otherUser, "image", "delete", otherImage));
      Servers.delete(cli, "server delete (another project)", otherUser, null, server);

      // The migration tool: admin on demo writes through.
      ok(cli.run("server suspend (admin on demo: bypass)", migrator, "server", "suspend", before));
    } finally {
      clouds.oscope(one, "tenant", "maintenance", "off", "demo", "--notifications", bus);
    }
    JsonNode on = heard.await("oscope.tenant.maintenance.on", Notifications.event("oscope.tenant.maintenance.on",
        "project_id", project), 0);
    assertThat(on.path("payload").path("reason").asText()).isEqualTo(reason);
    assertThat(on.path("priority").asText()).isEqualTo("INFO");
    JsonNode refused = heard.await("oscope.tenant.request.refused for demo's server delete",
        m -> Notifications.event("oscope.tenant.request.refused", "project_id", project).test(m)
            && m.path("payload").path("method").asText().equals("DELETE")
            && m.path("payload").path("service").asText().equals("compute"), 30);
    assertThat(refused.path("payload").path("path").asText()).contains(before);
    assertThat(refused.path("payload").toString()).as("no token in a notification").doesNotContain("gAAAA");
    heard.await("oscope.tenant.request.refused for demo's network create",
        m -> Notifications.event("oscope.tenant.request.refused", "project_id", project).test(m)
            && m.path("payload").path("service").asText().equals("network"), 30);
    heard.await("oscope.tenant.maintenance.off for demo",
        Notifications.event("oscope.tenant.maintenance.off", "project_id", project), 30);
  }

  private static void ok(Cli.Result r) {
    assertThat(r.exit()).as(r.describe()).isZero();
  }

  private static String id(Cli.Result r) throws IOException {
    ok(r);
    return r.json().path("id").asText();
  }

  private static void assertRefused(Cli.Result r) {
    assertThat(r.exit()).as(r.describe()).isNotZero();
    assertThat(r.err()).as(r.describe()).contains("is in maintenance");
  }
}
