package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code openstack endpoint list --os-scope '{"identity": "CloudTwo"}'} with CloudOne's user:
 * authentication and the listing go to CloudTwo's Keystone, which answers with its own catalogue.
 * As in OpenStackoïd's test clouds, this works only because both clouds have the same user, project and password.
 *
 * <p>The user is CloudOne's {@code admin} (listing endpoints needs the admin role), and the CLI runs
 * without {@code OS_REGION_NAME}: the catalogue CloudTwo returns has only region {@code CloudTwo},
 * where the CLI, told {@code CloudOne}, would find no identity endpoint. (OpenStackoïd's clouds
 * were both {@code RegionOne}.) Without a region name the plugin's scope is exactly the one given.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class IdentityScopeE2eTest {

  @ParameterizedTest(name = "CloudOne''s admin, identity scoped to {0}: {0}''s Keystone answers")
  @ValueSource(strings = {Clouds.TWO, Clouds.ONE})
  void endpointList(String identityCloud, Clouds clouds, Cli cli) throws Exception {
    String scope = "{\"identity\": \"" + identityCloud + "\"}";
    Clouds.Cloud answering = clouds.cloud(identityCloud);
    Logs.Mark mark = Logs.mark(clouds);

    Cli.Result r = cli.run("endpoint list, CloudOne's admin, " + scope,
        Cli.without(clouds.one().admin(), "OS_REGION_NAME"), "endpoint", "list", "--os-scope", scope, "-f", "json");

    assertThat(r.exit()).as(r.describe()).isZero();
    List<String> ports = new ArrayList<>(List.of(":" + answering.keystonePort() + "/", ":" + answering.glancePort(),
        ":" + answering.proxyPort() + "/"));
    for (String what : List.of("NOVA", "PLACEMENT", "NETWORK")) {  // with compute (dev/clouds up --with-compute)
      if (answering.port(what) > 0) ports.add(":" + answering.port(what));
    }
    Set<String> ids = new TreeSet<>();
    for (JsonNode e : r.json()) {
      ids.add(e.get("ID").asText());
      assertThat(e.get("Region").asText()).as("region of %s", e).isEqualTo(identityCloud);
      assertThat(e.get("URL").asText()).as("URL of %s", e).containsAnyOf(ports.toArray(String[]::new));
    }
    // Endpoint IDs are random per Keystone: they prove which one answered.
    Set<String> expected = new TreeSet<>();
    for (JsonNode e : new ObjectMapper().readTree(answering.file("endpoint-list.json").toFile())) {
      expected.add(e.get("ID").asText());
    }
    assertThat(ids).as("endpoint IDs vs %s/endpoint-list.json", identityCloud).isEqualTo(expected);
    // Transparent topology: every call goes through CloudOne's proxy (HTTP_PROXY). Frontend: the
    // listing goes where the catalogue of the answering Keystone points, its own proxy.
    Clouds.Cloud listing = clouds.topology.equals("frontend") ? answering : clouds.one();
    assertThat(mark.awaitAccess(listing, a -> a.path().endsWith("/endpoints")))
        .as("%s's access log (%s topology)", listing.name(), clouds.topology)
        .anySatisfy(a -> {
          assertThat(a.serviceType()).isEqualTo("identity");
          assertThat(a.cloud()).isEqualTo(identityCloud);
          assertThat(a.path()).endsWith("/endpoints");
          assertThat(a.status()).isEqualTo(200);
        });
  }
}
