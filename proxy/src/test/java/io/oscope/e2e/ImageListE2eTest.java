package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code openstack image list} from each cloud's credentials, without scope and scoped to each
 * cloud. Both clouds have an image named {@code cirros}; only its ID (the clouds' {@code image-id}
 * files) tells which cloud answered. Scoped to the other cloud, the call crosses both proxies, and
 * the other cloud's Glance has the user's token validated by the user's own Keystone (the proxies'
 * peer token exchange).
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class ImageListE2eTest {

  @Test
  void theTwoCloudsHaveDifferentImages(Clouds clouds) {
    assertThat(clouds.one().imageId()).as("the ID of each cloud's cirros: they prove which cloud answered")
        .isNotBlank().isNotEqualTo(clouds.two().imageId());
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String credentials : List.of(Clouds.ONE, Clouds.TWO)) {
      cases.add(Arguments.of(credentials, null, credentials));
      cases.add(Arguments.of(credentials, Clouds.ONE, Clouds.ONE));
      cases.add(Arguments.of(credentials, Clouds.TWO, Clouds.TWO));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}''s credentials, image scoped to {1}: {2} answers")
  @MethodSource("cases")
  void imageList(String credentials, String imageCloud, String answering, Clouds clouds, Cli cli) throws Exception {
    List<String> args = new ArrayList<>(List.of("image", "list", "-f", "json"));
    String scope = imageCloud == null ? null : "{\"image\": \"" + imageCloud + "\"}";
    if (scope != null) args.addAll(List.of("--os-scope", scope));
    Logs.Mark mark = Logs.mark(clouds);

    Cli.Result r = cli.run("image list, " + credentials + "'s credentials, " + (scope == null ? "no scope" : scope),
        clouds.cloud(credentials).demo(), args.toArray(String[]::new));

    assertThat(r.exit()).as(r.describe()).isZero();
    assertThat(r.ids()).as("image IDs: %s answered", answering).contains(clouds.cloud(answering).imageId())
        .doesNotContain(clouds.cloud(answering.equals(Clouds.ONE) ? Clouds.TWO : Clouds.ONE).imageId());
    // The credentials' own proxy routed the listing to the answering cloud.
    assertThat(mark.awaitAccess(clouds.cloud(credentials), a -> a.path().endsWith("/v2/images")))
        .as("%s's access log", credentials)
        .anySatisfy(a -> {
          assertThat(a.path()).endsWith("/v2/images");
          assertThat(a.cloud()).isEqualTo(answering);
          assertThat(a.status()).isEqualTo(200);
        });
  }
}
