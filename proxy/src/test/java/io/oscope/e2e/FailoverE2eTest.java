package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code {"image": "CloudOne | CloudTwo"}} with the real CLI: CloudTwo's image is found although
 * CloudOne is asked first (its Glance answers 404 for an ID it does not have), and with CloudOne's
 * proxy stopped ({@code dev/clouds stop-proxy CloudOne}) CloudTwo's users still get their images
 * through the failover, CloudOne being unreachable. The proxy is restarted whatever happens.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class FailoverE2eTest {
  private static final String ONE_OR_TWO = "{\"image\": \"CloudOne | CloudTwo\"}";

  @Test
  void imageShowFindsTheImageOfTheSecondAlternative(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud one = clouds.one();
    String id = clouds.two().imageId();
    Logs.Mark mark = Logs.mark(clouds);

    Cli.Result r = cli.run("image show <CloudTwo's image>, CloudOne's credentials, " + ONE_OR_TWO, one.demo(),
        "image", "show", "--os-scope", ONE_OR_TWO, "-f", "json", "-c", "id", id);

    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.out()).as(r.describe()).contains(id);
    assertThat(mark.awaitAccess(one, a -> a.path().endsWith("/v2/images/" + id) && a.status() == 200))
        .as("CloudOne's access log: CloudTwo answered after CloudOne's 404")
        .anySatisfy(a -> {
          assertThat(a.cloud()).isEqualTo(Clouds.TWO);
          assertThat(a.failover()).isEqualTo(Clouds.ONE);
        });
  }

  @Test
  void withCloudOnesProxyStoppedCloudTwoAnswers(Clouds clouds, Cli cli) throws Exception {
    Clouds.Cloud two = clouds.two();
    clouds.withProxyStopped(Clouds.ONE, () -> {
      Logs.Mark mark = Logs.mark(clouds);

      Cli.Result list = cli.run("image list, CloudTwo's credentials, " + ONE_OR_TWO + ", CloudOne's proxy down",
          two.demo(), "image", "list", "-f", "json", "--os-scope", ONE_OR_TWO);
      assertThat(list.exit()).as(list.describe()).isZero();
      assertThat(list.ids()).as(list.describe()).contains(two.imageId()).doesNotContain(clouds.one().imageId());

      Cli.Result show = cli.run("image show, CloudTwo's credentials, " + ONE_OR_TWO + ", CloudOne's proxy down",
          two.demo(), "image", "show", "--os-scope", ONE_OR_TWO, "-f", "json", "-c", "id", two.imageId());
      assertThat(show.exit()).as(show.describe()).isZero();
      assertThat(show.out()).as(show.describe()).contains(two.imageId());

      assertThat(mark.awaitAccess(two, a -> a.path().endsWith("/v2/images") && a.status() == 200))
          .as("CloudTwo's access log: CloudOne's proxy refused, CloudTwo answered")
          .anySatisfy(a -> {
            assertThat(a.cloud()).isEqualTo(Clouds.TWO);
            assertThat(a.failover()).isEqualTo(Clouds.ONE);
          });
    });
    assertThat(clouds.portsDown()).isEmpty();
  }
}
