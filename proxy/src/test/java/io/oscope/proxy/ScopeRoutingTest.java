package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.slf4j.LoggerFactory;
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
    // The scope rides on the token to the peer, so that its services check the token where the
    // scope's identity says, as they would a client's suffix.
    assertThat(reply.seen("x-auth-token").asText()).isEqualTo(TOKEN + "!SCOPE!"
        + "{\"compute\":\"CloudOne\",\"compute_legacy\":\"CloudOne\",\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}");
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
  void noTokenEverReachesTheLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    try {
      http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Auth-Token", "SECRET-1!SCOPE!{\"image\":\"CloudTwo\"}"));
      http.get(clouds.oneUrl("/identity/v3/auth/tokens"), Map.of("X-Auth-Token", "SECRET-2",
          "X-Subject-Token", "SECRET-3!SCOPE!{\"identity\":\"CloudTwo\"}"));
      http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Auth-Token", "SECRET-4!SCOPE!{bad"));
      http.get(clouds.oneUrl("/image/v2/images?token=x"), Map.of("X-Auth-Token", "SECRET-5!SCOPE!{\"image\":\"Nowhere\"}"));
    } finally {
      root.detachAppender(appender);
    }
    assertThat(appender.list).extracting(ILoggingEvent::getLoggerName).contains("oscope.access");
    assertThat(appender.list).allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain("SECRET"));
  }

  @Test
  void expectContinueReachesTheServiceWithTheBody() throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    byte[] body = new byte[1 << 20];

    java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest
            .newBuilder(java.net.URI.create(clouds.oneUrl("/image/v2/images/1/file")))
            .expectContinue(true)
            .header("X-Scope", "{\"image\":\"CloudTwo\"}")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    JsonNode echo = Http.Reply.parse(response.body());
    assertThat(echo.path("cloud").asText()).isEqualTo("CloudTwo");
    assertThat(echo.path("bodyBytes").asLong()).isEqualTo(body.length);
    assertThat(echo.path("headers").has("expect")).isFalse();
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
