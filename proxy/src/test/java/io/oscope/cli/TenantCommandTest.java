package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.oscope.notify.RabbitBroker;
import io.oscope.tenant.KeystoneProjectsStandIn;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code oscope tenant maintenance on|off} against a Keystone stand-in, notifying a real RabbitMQ. */
class TenantCommandTest {
  @RegisterExtension
  static final RabbitBroker RABBIT = new RabbitBroker();
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeystoneProjectsStandIn keystone;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    keystone = new KeystoneProjectsStandIn().project("p1", "demo");
  }

  @AfterEach
  void stop() {
    keystone.close();
  }

  private int run(String... args) {
    return runWith(Map.of("OS_AUTH_URL", keystone.identityUrl(), "OS_USERNAME", "admin", "OS_PASSWORD", "pw",
        "OS_PROJECT_NAME", "admin"), args);
  }

  private int runWith(Map<String, String> env, String... args) {
    CommandLine commandLine = new CommandLine(new TenantCommand(env));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void eachToggleIsWrittenOnTheProjectAndNotified() throws Exception {
    assertThat(run("maintenance", "on", "demo", "--reason", "moving to CloudTwo", "--notifications", RABBIT.url()))
        .as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("demo (p1): in maintenance since ").contains(": moving to CloudTwo");
    assertThat(keystone.projects.get("p1").path("oscope_maintenance").asText()).isEqualTo("moving to CloudTwo");
    assertThat(run("maintenance", "off", "p1", "--notifications", RABBIT.url())).as(err.toString()).isZero();
    assertThat(keystone.projects.get("p1").has("oscope_maintenance")).isFalse();

    try (Connection connection = RABBIT.factory().newConnection(); Channel channel = connection.createChannel()) {
      JsonNode on = message(channel.basicGet("notifications.info", true));
      JsonNode off = message(channel.basicGet("notifications.info", true));
      assertThat(on.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.on");
      assertThat(on.path("payload").path("reason").asText()).isEqualTo("moving to CloudTwo");
      assertThat(on.path("payload").path("via").asText()).isEqualTo("cli");
      assertThat(off.path("event_type").asText()).isEqualTo("oscope.tenant.maintenance.off");
      assertThat(off.path("payload").path("project_id").asText()).isEqualTo("p1");
    }
  }

  @Test
  void eachHomeCloudChangeIsWrittenOnTheProjectAndNotified() throws Exception {
    assertThat(run("home-cloud", "set", "demo", "CloudTwo", "--notifications", RABBIT.url())).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("demo (p1): not in maintenance; home cloud CloudTwo");
    assertThat(keystone.projects.get("p1").path("oscope_home_cloud").asText()).isEqualTo("CloudTwo");
    assertThat(run("home-cloud", "clear", "p1", "--notifications", RABBIT.url())).as(err.toString()).isZero();
    assertThat(keystone.projects.get("p1").path("oscope_home_cloud").isNull()
        || !keystone.projects.get("p1").has("oscope_home_cloud")).isTrue();

    try (Connection connection = RABBIT.factory().newConnection(); Channel channel = connection.createChannel()) {
      JsonNode set = message(channel.basicGet("notifications.info", true));
      JsonNode clear = message(channel.basicGet("notifications.info", true));
      assertThat(set.path("event_type").asText()).isEqualTo("oscope.tenant.home_cloud.set");
      assertThat(set.path("payload").path("home_cloud").asText()).isEqualTo("CloudTwo");
      assertThat(set.path("payload").path("project_name").asText()).isEqualTo("demo");
      assertThat(clear.path("event_type").asText()).isEqualTo("oscope.tenant.home_cloud.clear");
      assertThat(clear.path("payload").path("home_cloud").isNull()).isTrue();
      assertThat(clear.path("payload").path("project_id").asText()).isEqualTo("p1");
    }
  }

  @Test
  void aCloudOfCloudsYamlIsTheAccount(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("clouds.yaml");
    Files.writeString(yaml, """
        clouds:
          CloudOne:
            region_name: CloudOne
            auth:
              auth_url: %s
              username: cloud-admin
              password: yaml-pw
              project_name: admin
              user_domain_name: Default
              project_domain_name: Default
          CloudTwo:
            auth:
              auth_url: http://127.0.0.1:1/v3
        """.formatted(keystone.identityUrl().replace("/v3", "/")));
    Map<String, String> env = Map.of("OS_CLIENT_CONFIG_FILE", yaml.toString(), "OS_CLOUD", "CloudOne",
        "HOME", dir.toString());

    assertThat(runWith(env, "maintenance", "on", "demo", "--reason", "from clouds.yaml")).as(err.toString()).isZero();
    assertThat(keystone.projects.get("p1").path("oscope_maintenance").asText()).isEqualTo("from clouds.yaml");
    assertThat(keystone.logins).singleElement().asString().contains("\"cloud-admin\"").contains("\"yaml-pw\"");

    assertThat(runWith(env, "maintenance", "off", "demo", "--os-cloud", "CloudThree")).isNotZero();
    assertThat(err.toString()).contains("no cloud 'CloudThree' in " + yaml + "; clouds there: CloudOne, CloudTwo");
    assertThat(runWith(env, "maintenance", "off", "demo", "--os-cloud", "CloudTwo")).isNotZero();
    assertThat(err.toString()).contains("cloud 'CloudTwo' in " + yaml + " has no auth username, project_name, password");
    assertThat(keystone.projects.get("p1").has("oscope_maintenance")).as("neither failure touched Keystone").isTrue();
  }

  @Test
  void aNotificationThatCannotBeSentFailsTheCommandAfterTheToggleWithoutThePassword() {
    int status = run("maintenance", "on", "demo", "--reason", "moving", "--notifications",
        "amqp://oscope:s3cret-pw@127.0.0.1:1/CloudOne");

    assertThat(status).isEqualTo(Oscope.FAILURE);
    assertThat(keystone.projects.get("p1").path("oscope_maintenance").asText()).isEqualTo("moving");
    assertThat(err.toString()).contains("the toggle is done, but its notification could not be sent to"
        + " amqp://oscope@127.0.0.1:1/CloudOne").doesNotContain("s3cret-pw");
  }

  private static JsonNode message(GetResponse got) throws Exception {
    assertThat(got).as("a notification waits in notifications.info").isNotNull();
    return JSON.readTree(JSON.readTree(got.getBody()).path("oslo.message").asText());
  }
}
