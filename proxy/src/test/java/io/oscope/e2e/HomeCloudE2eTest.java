package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Migration follows the tenant: once {@code oscope tenant home-cloud set demo CloudTwo}, CloudOne's
 * demo user's unscoped {@code openstack image list} and {@code server list} are served by CloudTwo
 * (its cirros ID proves it), with no change on the client side; a scope naming CloudOne still wins;
 * {@code clear} brings them back. dev/clouds runs the proxies with {@code --home-clouds}.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class HomeCloudE2eTest {
  private static final long TOGGLE_SECONDS = 60;

  @Test
  void aHomeCloudToggleMovesTheTenantsUnscopedRequests(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    Clouds.Cloud two = clouds.two();
    assertThat(imageIds(cli, "image list (no home cloud)", one.demo(), null)).contains(one.imageId());

    clouds.oscope(one, "tenant", "home-cloud", "set", "demo", "CloudTwo");
    try {
      List<String> moved = awaitImages(cli, one.demo(), two.imageId());
      assertThat(moved).doesNotContain(one.imageId());
      assertThat(imageIds(cli, "image list, {\"image\": \"CloudOne\"} (the scope wins)", one.demo(),
          "{\"image\": \"CloudOne\"}")).contains(one.imageId()).doesNotContain(two.imageId());
      if (clouds.computeProblem() == null) {
        Cli.Result servers = cli.run("server list (home cloud CloudTwo)", Servers.compute(one.demo()), "server", "list",
            "-f", "json");
        assertThat(servers.exit()).as(servers.describe()).isZero();
      }
    } finally {
      clouds.oscope(one, "tenant", "home-cloud", "clear", "demo");
    }
    assertThat(awaitImages(cli, one.demo(), one.imageId())).doesNotContain(two.imageId());
  }

  private static List<String> imageIds(Cli cli, String step, Map<String, String> credentials, String scope)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("image", "list", "-f", "json"));
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Cli.Result r = cli.run(step, credentials, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.describe()).isZero();
    return r.ids();
  }

  /** Lists images until {@code expected} is among them (the toggle reached the proxy), within {@link #TOGGLE_SECONDS}. */
  private static List<String> awaitImages(Cli cli, Map<String, String> credentials, String expected) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(TOGGLE_SECONDS);
    List<String> ids;
    do {
      ids = imageIds(cli, "image list (until " + expected + " shows)", credentials, null);
      if (ids.contains(expected)) return ids;
    } while (System.nanoTime() < until);
    throw new AssertionError("the home cloud toggle did not reach the proxy within " + TOGGLE_SECONDS + " s: " + ids);
  }
}
