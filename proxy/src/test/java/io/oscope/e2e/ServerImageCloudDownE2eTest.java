package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The image's cloud unreachable ({@code dev/clouds stop-proxy CloudTwo}): a server create on
 * CloudOne from CloudTwo's image fails with a clear error, and nothing is left in CloudOne's Nova —
 * no server, not even a deleted or ERROR one: Nova checks the image before it records anything.
 * Two ways in: the CLI (which looks the image up itself first, and stops there), and the compute
 * API straight (so that Nova's own image call meets the stopped proxy). CloudTwo's proxy is
 * restarted whatever happens. Skipped, saying so, unless the clouds run with compute.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class ServerImageCloudDownE2eTest {
  private static final String SCOPE = "{\"image\": \"CloudTwo\"}";
  /** What the CLI plugin sends for {@link #SCOPE} from region CloudOne (the region fills the rest in). */
  private static final String FULL_SCOPE =
      "{\"compute\":\"CloudOne\",\"identity\":\"CloudOne\",\"image\":\"CloudTwo\",\"network\":\"CloudOne\",\"placement\":\"CloudOne\"}";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void createFailsAndLeavesNothing(Clouds clouds, Cli cli) throws Exception {
    clouds.assumeCompute();
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    String image = two.imageId();
    String viaCli = Servers.uniqueName("image-cloud-down-cli");
    String viaApi = Servers.uniqueName("image-cloud-down-api");
    clouds.withProxyStopped(Clouds.TWO, () -> {

      Logs.Mark mark = Logs.mark(clouds);
      Cli.Result created = Servers.create(cli, "server create, " + SCOPE + ", CloudTwo's proxy down (must fail)",
          one.demo(), SCOPE, image, viaCli);
      assertThat(created.exit()).as(created.describe()).isNotZero();
      // The CLI's own words for a 503 on Glance's version document.
      assertThat(created.err()).as(created.describe()).containsIgnoringCase("image service");
      assertThat(mark.awaitAccess(one, a -> a.serviceType().equals("image") && a.status() >= 500))
          .as("CloudOne's access log").anySatisfy(a -> {
            assertThat(a.cloud()).isEqualTo(Clouds.TWO);
            assertThat(a.status()).isEqualTo(503);
          });

      mark = Logs.mark(clouds);
      HttpResponse<String> post = postServer(one, viaApi, image);
      assertThat(post.statusCode()).as("POST /servers straight to CloudOne's Nova: %s", post.body())
          .isGreaterThanOrEqualTo(400);
      // The proxy's 503 is one Nova retries: after 3 tries Nova 26 answers 500 "Unexpected API
      // Error … GlanceConnectionFailed". (A 502 would be glanceclient's HTTPBadGateway at once.)
      assertThat(post.body()).as("Nova's answer").contains("GlanceConnectionFailed");
      assertThat(mark.awaitAccess(one, a -> a.path().endsWith("/v2/images/" + image) && a.status() >= 500))
          .as("CloudOne's access log: Nova's own image call, sent toward CloudTwo")
          .filteredOn(a -> a.path().endsWith("/v2/images/" + image)).isNotEmpty()
          .allSatisfy(a -> {
            assertThat(a.serviceType()).isEqualTo("image");
            assertThat(a.cloud()).isEqualTo(Clouds.TWO);
            assertThat(a.status()).isEqualTo(503);
          });
    });
    assertThat(clouds.portsDown()).isEmpty();

    // Nothing half-created in CloudOne: no server by either name, live, ERROR or deleted.
    for (String name : List.of(viaCli, viaApi)) {
      assertThat(Servers.ids(cli, "server list --all-projects --name (the failed create), CloudOne's admin",
          one.admin(), "--all-projects", "--name", name)).isEmpty();
      assertThat(Servers.ids(cli, "server list --all-projects --deleted --name (the failed create), CloudOne's admin",
          one.admin(), "--all-projects", "--deleted", "--name", name)).isEmpty();
    }
    clouds.awaitReachable(one, two);
  }

  /**
   * {@code POST /v2.1/servers} to CloudOne's Nova as the CLI would send it (through CloudOne's
   * proxy, with the scoped token), for the flavor m1.tiny and {@code networks: none}. The token
   * stays in this method: never in a message.
   */
  private static HttpResponse<String> postServer(Clouds.Cloud one, String name, String image) throws Exception {
    return Steps.time("POST /servers straight to CloudOne's Nova, " + SCOPE + ", CloudTwo's proxy down (must fail)",
        () -> {
          HttpClient http = client(one);
          Map<String, String> demo = one.demo();
          ObjectNode auth = JSON.createObjectNode();
          ObjectNode body = auth.putObject("auth");
          ObjectNode identity = body.putObject("identity");
          identity.putArray("methods").add("password");
          ObjectNode user = identity.putObject("password").putObject("user");
          user.put("name", demo.get("OS_USERNAME")).put("password", demo.get("OS_PASSWORD"));
          user.putObject("domain").put("name", demo.get("OS_USER_DOMAIN_NAME"));
          ObjectNode project = body.putObject("scope").putObject("project");
          project.put("name", demo.get("OS_PROJECT_NAME")).putObject("domain").put("name",
              demo.get("OS_PROJECT_DOMAIN_NAME"));
          HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(demo.get("OS_AUTH_URL")
                  + "/auth/tokens")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(auth.toString())).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(tokens.statusCode()).as("POST /v3/auth/tokens for CloudOne's demo").isEqualTo(201);
          String token = tokens.headers().firstValue("X-Subject-Token").orElseThrow() + "!SCOPE!" + FULL_SCOPE;

          String compute = one.publicUrl("compute");
          HttpResponse<String> flavors = http.send(HttpRequest.newBuilder(URI.create(compute + "/flavors"))
              .timeout(Duration.ofSeconds(30)).header("X-Auth-Token", token).GET().build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(flavors.statusCode()).as("GET /flavors: %s", flavors.body()).isEqualTo(200);
          String flavor = null;
          for (JsonNode f : JSON.readTree(flavors.body()).get("flavors")) {
            if (f.get("name").asText().equals(Servers.FLAVOR)) flavor = f.get("id").asText();
          }
          assertThat(flavor).as("flavor %s in CloudOne", Servers.FLAVOR).isNotNull();

          ObjectNode server = JSON.createObjectNode();
          server.putObject("server").put("name", name).put("imageRef", image).put("flavorRef", flavor)
              .put("networks", "none");
          return http.send(HttpRequest.newBuilder(URI.create(compute + "/servers")).timeout(Duration.ofSeconds(120))
              .header("X-Auth-Token", token).header("Content-Type", "application/json")
              .header("OpenStack-API-Version", "compute 2.37")
              .POST(HttpRequest.BodyPublishers.ofString(server.toString())).build(), HttpResponse.BodyHandlers.ofString());
        });
  }

  /** An HTTP client that goes as the CLI goes with CloudOne's openrc: through its proxy, or straight. */
  private static HttpClient client(Clouds.Cloud cloud) {
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (cloud.demo().containsKey("http_proxy") || cloud.demo().containsKey("HTTP_PROXY")) {
      client.proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", cloud.proxyPort())));
    }
    return client.build();
  }
}
