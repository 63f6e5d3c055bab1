package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CloudTwo's proxy stopped ({@code dev/clouds stop-proxy CloudTwo}): requests scoped to CloudTwo
 * fail fast, CloudOne's proxy answering 503 at once (the connection refused, or the peer marked
 * down: never a 504 after waiting for a timeout; the clock of a shared machine is no judge of
 * "fast", the status is), requests scoped
 * to CloudOne keep working; after {@code dev/clouds start-proxy CloudTwo} everything works again.
 * The proxy is restarted whatever happens.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class ProxyDownE2eTest {
  private static final String IMAGE_TWO = "{\"image\": \"CloudTwo\"}";

  @Test
  void aStoppedPeerFailsFastAndTheRestWorks(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    clouds.withProxyStopped(Clouds.TWO, () -> {
      assertThat(clouds.portsDown()).singleElement().asString()
          .startsWith("CloudTwo's oscope proxy does not answer on 127.0.0.1:" + two.proxyPort());

      Logs.Mark mark = Logs.mark(clouds);
      Cli.Result image = cli.run("image list, CloudOne's credentials, " + IMAGE_TWO + ", CloudTwo's proxy down",
          one.demo(), "image", "list", "--os-scope", IMAGE_TWO);
      assertThat(image.exit()).as(image.describe()).isNotZero();
      assertThat(mark.awaitAccess(one, a -> a.cloud().equals(Clouds.TWO) && a.status() >= 500)).as("CloudOne's access log")
          .anySatisfy(a -> {
            assertThat(a.serviceType()).isEqualTo("image");
            assertThat(a.cloud()).isEqualTo(Clouds.TWO);
            assertThat(a.status()).isEqualTo(503);
          })
          .filteredOn(a -> a.cloud().equals(Clouds.TWO)).allSatisfy(a -> assertThat(a.status()).isEqualTo(503));

      Cli.Result identity = cli.run("endpoint list, CloudOne's admin, {\"identity\": \"CloudTwo\"}, CloudTwo's proxy down",
          Cli.without(one.admin(), "OS_REGION_NAME"), "endpoint", "list", "--os-scope", "{\"identity\": \"CloudTwo\"}");
      assertThat(identity.exit()).as(identity.describe()).isNotZero();
      // 503 "Upstream CloudTwo proxy 127.0.0.1:P refused the connection", or, once health checks
      // have marked it down, 503 "Every address of CloudTwo proxy (127.0.0.1:P) is down".
      assertThat(identity.err()).as(identity.describe())
          .contains("CloudTwo proxy").contains("127.0.0.1:" + two.proxyPort()).contains("(HTTP 503)");

      // CloudTwo's own users reach nothing: their proxy is their way in (HTTP_PROXY or catalogue).
      Cli.Result own = cli.run("image list, CloudTwo's credentials, CloudTwo's proxy down", two.demo(), "image", "list");
      assertThat(own.exit()).as(own.describe()).isNotZero();

      // Scoped elsewhere: as if nothing happened.
      assertImages(cli, "CloudOne's credentials, no scope, CloudTwo's proxy down", one.demo(), null, one.imageId());
      assertImages(cli, "CloudOne's credentials, {\"image\": \"CloudOne\"}, CloudTwo's proxy down", one.demo(),
          "{\"image\": \"CloudOne\"}", one.imageId());
    });
    assertThat(clouds.portsDown()).isEmpty();
    assertImages(cli, "CloudOne's credentials, " + IMAGE_TWO + ", CloudTwo's proxy restarted", one.demo(), IMAGE_TWO,
        two.imageId());
    assertImages(cli, "CloudTwo's credentials, no scope, CloudTwo's proxy restarted", two.demo(), null, two.imageId());
  }

  private static void assertImages(Cli cli, String step, Map<String, String> credentials, String scope, String id)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("image", "list", "-f", "json"));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Cli.Result r = cli.run("image list, " + step, credentials, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.ids()).contains(id);
  }
}
