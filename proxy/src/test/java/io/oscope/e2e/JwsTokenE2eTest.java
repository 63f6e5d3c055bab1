package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keystone with the JWS token provider ({@code dev/clouds up --jws CloudTwo}, as CI runs it):
 * CloudTwo's proxy, given Keystone's public keys ({@code --jws-public-keys}), knows the project of
 * a JWS token from its signature, without asking Keystone. A write of CloudTwo's demo user (which
 * maintenance mode must look at) is logged with the token's project and costs no token
 * introspection ({@code oscope_token_introspections_total} does not move), where the same write
 * on CloudOne, whose Keystone issues Fernet tokens, costs one.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class JwsTokenE2eTest {
  private static final String INTROSPECTIONS = "oscope_token_introspections_total";

  @Test
  void aJwsTokensProjectIsKnownWithoutAKeystoneCall(Clouds clouds, Cli cli, @TempDir Path tmp) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    Assumptions.assumeTrue(clouds.jws(two), "CloudTwo's Keystone issues Fernet tokens: start the clouds with "
        + "`dev/clouds up --jws CloudTwo` (as .ci/run does) to run this test");
    assertThat(clouds.proxyOption(two, "--jws-public-keys")).as("CloudTwo's proxy is given Keystone's public keys")
        .isNotNull();

    Cli.Result issued = cli.run("token issue (CloudTwo's demo)", two.demo(), "token", "issue", "-f", "json");
    assertThat(issued.exit()).as(issued.describe()).isZero();
    String token = issued.json().path("id").asText();
    String[] parts = token.split("\\.");
    assertThat(parts).as("a JWS token: header.payload.signature").hasSize(3);
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
    assertThat(header.path("alg").asText()).isEqualTo("ES256");
    String project = issued.json().path("project_id").asText();
    assertThat(project).isNotBlank();

    Path file = tmp.resolve("jws.img");
    Files.write(file, new byte[1024]);
    double before = clouds.metric(two, INTROSPECTIONS);
    Logs.Mark mark = Logs.mark(clouds);
    writeAndDelete(cli, two.demo(), file, "CloudTwo's demo, JWS");
    mark.awaitAccess(two, a -> a.method().equals("DELETE") && a.serviceType().equals("image"));
    assertThat(mark.newLines(two.proxyLog()))
        .as("CloudTwo's proxy logs the write with the project its JWS token names")
        .anyMatch(line -> line.contains(" POST image CloudTwo ") && line.contains(" project_id=" + project));
    assertThat(clouds.metric(two, INTROSPECTIONS)).as("no token introspection on CloudTwo (JWS)").isEqualTo(before);

    // The contrast that shows the counter counts: CloudOne's Fernet tokens must be introspected.
    double fernetBefore = clouds.metric(one, INTROSPECTIONS);
    writeAndDelete(cli, one.demo(), file, "CloudOne's demo, Fernet");
    assertThat(clouds.metric(one, INTROSPECTIONS)).as("a Fernet token is introspected on CloudOne")
        .isGreaterThan(fernetBefore);
  }

  /** {@code image create} then {@code image delete}: two writes maintenance mode looks at. */
  private static void writeAndDelete(Cli cli, Map<String, String> credentials, Path file, String who) throws Exception {
    Cli.Result created = cli.run("image create (" + who + ")", credentials, "image", "create", "--file",
        file.toString(), "--disk-format", "raw", "-f", "json", Servers.uniqueName("jws"));
    assertThat(created.exit()).as(created.describe()).isZero();
    String id = created.json().path("id").asText();
    Cli.Result deleted = cli.run("image delete (" + who + ")", credentials, "image", "delete", id);
    assertThat(deleted.exit()).as(deleted.describe()).isZero();
  }
}
