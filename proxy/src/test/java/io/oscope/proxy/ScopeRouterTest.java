package io.oscope.proxy;

import io.oscope.http1.RequestHead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ScopeRouter}'s reading of scopes, without sockets. */
class ScopeRouterTest {
  private static final String ROUTES = """
      {"services": [
        {"Service Type": "image", "Interface": "public", "URL": "10.0.1.1:9292", "Region": "CloudOne", "Frontend": "10.0.1.1:9292", "Backend": "127.0.0.1:19292"},
        {"Service Type": "image", "Interface": "public", "URL": "10.0.2.1:9292", "Region": "CloudTwo", "Frontend": "10.0.2.1:9292", "Backend": "127.0.0.1:29292"},
        {"Service Type": "image", "Interface": "public", "URL": "10.0.3.1:9292", "Region": "CloudThree", "Frontend": "10.0.3.1:9292"}
      ]}""";

  private final ScopeRouter router = new ScopeRouter(table(), Set.of(), Set.of());

  private static RouteTable table() {
    try {
      return RouteTable.compile("router", RouteFile.parse("router", ROUTES.getBytes(StandardCharsets.UTF_8)), "CloudOne");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String cloudOf(String header, String value) {
    return route("GET", header, value).cloud();
  }

  private Route route(String method, String header, String value) {
    RequestHead request = RequestHead.of(method + " /v2/images HTTP/1.1\r\nHost: 10.0.1.1:9292\r\n" + header + ": " + value + "\r\n\r\n");
    return router.route(RequestTarget.of("/v2/images", "10.0.1.1:9292"), request);
  }

  private Route plan(String method, String expression) {
    return route(method, "X-Scope", "{\"image\": \"" + expression + "\"}");
  }

  /** The cloud a route goes to, and that its scope names for image: they must be the same one. */
  private static String cloudSent(Route route) {
    assertThat(route.scope().json().toString()).isEqualTo("{\"image\":\"" + route.cloud() + "\"}");
    assertThat(route.scope().scope().isSingle()).isTrue();
    return route.cloud();
  }

  @Test
  void scopesOfTheSameLengthInTurnAreNeverTakenForOneAnother() {
    // The last scope text is compared in place: texts of one length must still be told apart.
    for (int i = 0; i < 3; i++) {
      assertThat(cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudOne\"}")).isEqualTo("CloudOne");
      assertThat(cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudTwo\"}")).isEqualTo("CloudTwo");
      assertThat(cloudOf("X-Scope", "{\"image\":\"CloudTwo\"}")).isEqualTo("CloudTwo");
      assertThat(cloudOf("X-Auth-Token", "longer-token!SCOPE!{\"image\":\"CloudOne\"}")).isEqualTo("CloudOne");
      assertThat(cloudOf("X-Subject-Token", "tok!SCOPE!{\"image\":\"CloudTwo\"}")).isEqualTo("CloudTwo");
      assertThat(cloudOf("X-Auth-Token", "no-scope")).isEqualTo("CloudOne");
    }
  }

  @Test
  void aBadScopeAfterAGoodOneIsStillRefused() {
    assertThat(cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudTwo\"}")).isEqualTo("CloudTwo");
    assertThatThrownBy(() -> cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudTwX\"}"))
        .isInstanceOfSatisfying(ProxyException.class,
            e -> assertThat(e.error()).isInstanceOf(ProxyError.UnknownCloud.class));
    assertThatThrownBy(() -> cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudTwo\""))
        .isInstanceOfSatisfying(ProxyException.class,
            e -> assertThat(e.error()).isInstanceOf(ProxyError.MalformedScope.class));
    assertThat(cloudOf("X-Auth-Token", "tok!SCOPE!{\"image\":\"CloudTwo\"}")).isEqualTo("CloudTwo");
  }

  @Test
  void everyCloudOfAnExpressionMustBeKnown() {
    assertThatThrownBy(() -> cloudOf("X-Scope", "{\"image\":\"CloudTwo | CloudTwX\"}"))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.error())
            .isEqualTo(new ProxyError.UnknownCloud("image", "CloudTwX", Set.of("CloudOne", "CloudTwo", "CloudThree"))));
    assertThatThrownBy(() -> cloudOf("X-Scope", "{\"image\":\"CloudTwo | & CloudOne\"}"))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.error().message()).isEqualTo(
            "Malformed scope in the X-Scope header: cloud expression for 'image' ('CloudTwo | & CloudOne') is malformed"
                + " at position 11: expected a cloud name or '(' but found '&'"));
  }

  @Test
  void aFailoverTriesEachCloudInTurnEachScopeNamingItsOwn() {
    Route route = plan("POST", "CloudTwo | CloudOne|CloudThree");

    assertThat(cloudSent(route)).isEqualTo("CloudTwo");
    assertThat(route.toPeer()).isTrue();
    assertThat(route.fanOut()).isEmpty();
    assertThat(route.fallbacks()).extracting(ScopeRouterTest::cloudSent).containsExactly("CloudOne", "CloudThree");
    assertThat(route.fallbacks().get(0).upstream().toString()).isEqualTo("127.0.0.1:19292");
    assertThat(route.fallbacks()).allSatisfy(fallback -> assertThat(fallback.fallbacks()).isEmpty());
  }

  @Test
  void aFanOutHasOneRoutePerOperandWithItsOwnFallbacks() {
    Route route = plan("GET", "(CloudOne | CloudThree) & CloudTwo");

    assertThat(route.cloud()).isEqualTo("(CloudOne | CloudThree) & CloudTwo");
    assertThat(route.fansOut()).isTrue();
    assertThat(route.fallbacks()).isEmpty();
    assertThat(route.fanOut()).extracting(ScopeRouterTest::cloudSent).containsExactly("CloudOne", "CloudTwo");
    assertThat(route.fanOut().get(0).fallbacks()).extracting(ScopeRouterTest::cloudSent).containsExactly("CloudThree");
    assertThat(route.fanOut().get(1).fallbacks()).isEmpty();
  }

  @Test
  void writesAreNeverFannedOut() {
    for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
      assertThatThrownBy(() -> plan(method, "CloudOne & CloudTwo"))
          .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.error())
              .isEqualTo(new ProxyError.ReplicatedWrite("image", method, "CloudOne & CloudTwo")));
    }
    assertThat(plan("HEAD", "CloudOne & CloudTwo").fanOut()).hasSize(2);
  }

  @Test
  void anAlternativeThatFansOutIsNotSupportedYet() {
    assertThatThrownBy(() -> plan("GET", "CloudOne&CloudTwo | CloudThree"))
        .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.error().message()).isEqualTo(
            "The scope's expression 'CloudOne & CloudTwo | CloudThree' for service type 'image' is not supported yet: an"
                + " alternative of '|' must be one cloud, and 'CloudOne & CloudTwo' is several"));
  }

  @Test
  void plainScopesKeepTheirOneRoute() {
    Route route = plan("POST", "CloudTwo");

    assertThat(cloudSent(route)).isEqualTo("CloudTwo");
    assertThat(route.fallbacks()).isEmpty();
    assertThat(route.fanOut()).isEmpty();
  }
}
