package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing through two real proxies to stand-in services, for each source of the scope. */
class ScopeRoutingTest {
  private static final String TOKEN = "gAAAAABtoken";
  private static TwoClouds clouds;
  private static final Http http = Http.direct();

  @BeforeAll
  static void start() throws Exception {
    clouds = new TwoClouds();
  }

  @AfterAll
  static void stop() {
    clouds.close();
  }

  @Test
  void withoutScopeTheLocalBackendServesWithPathAndHostUnchanged() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images?limit=1"), Map.of("X-Auth-Token", TOKEN));

    assertThat(reply.status()).isEqualTo(200);
    JsonNode echo = reply.json();
    assertThat(echo.path("cloud").asText()).isEqualTo("CloudOne");
    assertThat(echo.path("service").asText()).isEqualTo("image");
    assertThat(echo.path("uri").asText()).isEqualTo("/image/v2/images?limit=1");
    assertThat(reply.seen("host").asText()).isEqualTo(clouds.oneFrontend.toString());
    assertThat(reply.seen("x-auth-token").asText()).isEqualTo(TOKEN);
    assertThat(reply.seen("x-scope").asText()).isEqualTo(
        "{\"compute\":\"CloudOne\",\"compute_legacy\":\"CloudOne\",\"identity\":\"CloudOne\",\"image\":\"CloudOne\"}");
    assertThat(reply.seen("x-identity-cloud").asText()).isEqualTo("CloudOne");
    assertThat(reply.seen("x-identity-url").asText()).isEqualTo("http://" + clouds.oneFrontend + "/identity/v3");
    assertThat(reply.seen("via").asText()).isEqualTo("1.1 oscope-CloudOne");
    assertThat(reply.seen("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
    assertThat(reply.seen("x-forwarded-host").asText()).isEqualTo(clouds.oneFrontend.toString());
    assertThat(reply.headers().get("via")).containsExactly("1.1 oscope-CloudOne");
  }

  @Test
  void theXScopeHeaderSendsTheRequestToTheOtherCloudWithItsUrlLayout() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images?limit=1"),
        Map.of("X-Auth-Token", TOKEN, "X-Scope", "{\"image\": \"CloudTwo\"}"));

    assertThat(reply.status()).isEqualTo(200);
    JsonNode echo = reply.json();
    assertThat(echo.path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(echo.path("uri").asText()).isEqualTo("/v2/images?limit=1");
    assertThat(reply.seen("host").asText()).isEqualTo(clouds.twoImage.address().toString());
    assertThat(reply.seen("via").asText()).isEqualTo("1.1 oscope-CloudOne, 1.1 oscope-CloudTwo");
    assertThat(reply.seen("x-scope").asText()).isEqualTo(
        "{\"compute\":\"CloudOne\",\"compute_legacy\":\"CloudOne\",\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}");
    assertThat(reply.seen("x-auth-token").asText()).isEqualTo(TOKEN);
  }

  @Test
  void theTokenSuffixRoutesAndStaysOnTheTokenSoTheScopeFollowsTheWorkflow() {
    String scoped = TOKEN + "!SCOPE!{\"image\": \"CloudTwo\"}";

    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Auth-Token", scoped));

    assertThat(reply.json().path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(reply.seen("x-auth-token").asText()).isEqualTo(scoped);
  }

  @Test
  void theXScopeHeaderWinsOverTheTokenSuffix() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of(
        "X-Auth-Token", TOKEN + "!SCOPE!{\"image\": \"CloudTwo\"}", "X-Scope", "{\"image\": \"CloudOne\"}"));

    assertThat(reply.json().path("cloud").asText()).isEqualTo("CloudOne");
  }

  @Test
  void aTokenValidationCallKeepsTheUsersScopeFromXSubjectTokenAndStripsIt() {
    Http.Reply reply = http.get(clouds.oneUrl("/identity/v3/auth/tokens"), Map.of(
        "X-Auth-Token", "service-token", "X-Subject-Token", TOKEN + "!SCOPE!{\"identity\": \"CloudTwo\"}"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(reply.json().path("service").asText()).isEqualTo("identity");
    assertThat(reply.json().path("uri").asText()).isEqualTo("/v3/auth/tokens");
    assertThat(reply.seen("x-subject-token").asText()).isEqualTo(TOKEN);
    assertThat(reply.seen("x-auth-token").asText()).isEqualTo("service-token");
    assertThat(reply.seen("x-identity-cloud").asText()).isEqualTo("CloudTwo");
    assertThat(reply.seen("x-identity-url").asText()).isEqualTo("http://" + clouds.twoIdentity.address() + "/v3");
  }

  @Test
  void identityGetsTheTokenWithoutItsSuffixOtherServicesKeepIt() {
    String scoped = TOKEN + "!SCOPE!{\"identity\":\"CloudOne\"}";

    Http.Reply identity = http.get(clouds.oneUrl("/identity/v3/projects"), Map.of("X-Auth-Token", scoped));
    Http.Reply compute = http.get(clouds.oneUrl("/compute/v2.1/servers"), Map.of("X-Auth-Token", scoped));

    assertThat(identity.seen("x-auth-token").asText()).isEqualTo(TOKEN);
    assertThat(compute.seen("x-auth-token").asText()).isEqualTo(scoped);
  }

  @Test
  void theLongestPrefixOnSegmentBoundariesWins() {
    assertThat(http.get(clouds.oneUrl("/compute/v2.1/servers"), Map.of()).json().path("service").asText())
        .isEqualTo("compute");
    assertThat(http.get(clouds.oneUrl("/compute/v2/p1/servers"), Map.of()).json().path("service").asText())
        .isEqualTo("compute_legacy");
    assertThat(http.get(clouds.oneUrl("/compute/v2.10/servers"), Map.of()).status()).isEqualTo(404);
  }

  @Test
  void servesClientsThatUseTheProxyAsHttpProxy() {
    Http viaTwo = Http.through(new InetSocketAddress("127.0.0.1", clouds.twoFrontend.port()));
    String imageUrl = "http://" + clouds.twoImage.address() + "/v2/images";

    Http.Reply local = viaTwo.get(imageUrl, Map.of());
    Http.Reply remote = viaTwo.get(imageUrl, Map.of("X-Scope", "{\"image\":\"CloudOne\"}"));

    assertThat(local.json().path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(local.json().path("uri").asText()).isEqualTo("/v2/images");
    assertThat(remote.json().path("cloud").asText()).isEqualTo("CloudOne");
    assertThat(remote.json().path("uri").asText()).isEqualTo("/image/v2/images");
    assertThat(remote.seen("host").asText()).isEqualTo(clouds.oneFrontend.toString());
    assertThat(remote.seen("via").asText()).isEqualTo("1.1 oscope-CloudTwo, 1.1 oscope-CloudOne");
  }

  @Test
  void passesThroughToDestinationsOfTheRouteFileThatMatchNoService() {
    Http viaOne = Http.through(new InetSocketAddress("127.0.0.1", clouds.oneFrontend.port()));

    // CloudTwo's identity backend is in the file, but its root is no service URL (/v3 is).
    Http.Reply reply = viaOne.get("http://" + clouds.twoIdentity.address() + "/", Map.of("X-Auth-Token", TOKEN));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(reply.seen("x-scope").isMissingNode()).isTrue();
    assertThat(reply.seen("via").asText()).isEqualTo("1.1 oscope-CloudOne");
  }

  @Test
  void servesHeadAndOtherMethodsWithoutBody() {
    Http.Reply head = http.send("HEAD", clouds.oneUrl("/image/v2/images"), Map.of());
    Http.Reply delete = http.send("DELETE", clouds.oneUrl("/image/v2/images/1"), Map.of("X-Scope", "{\"image\":\"CloudTwo\"}"));

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(delete.json().path("method").asText()).isEqualTo("DELETE");
    assertThat(delete.json().path("cloud").asText()).isEqualTo("CloudTwo");
  }
}
