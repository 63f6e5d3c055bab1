package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad scopes get a clear error and reach no service. An unknown cloud is refused by the proxy
 * (400, its message on the CLI's stderr), malformed input by the plugin before anything is sent
 * (exit status 2).
 *
 * <p>The clouds are never idle (each Nova calls its Placement and Keystone on its own), so absence
 * is shown against a barrier, never an empty log: a refused request is a 400 the proxy answered
 * itself ({@code -> -}), after which a marked request through each proxy (see
 * {@link Logs.Mark#awaitMarkers()}) shows that nothing of it was forwarded to the other cloud or
 * reached a Glance; for the plugin's refusals, the CLI is pointed at a listener of the test's own,
 * which must see no connection before the test's own marker connection.
 */
@Tag("e2e")
@ExtendWith(E2eExtension.class)
class BadScopeE2eTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "{0}: the proxy refuses it")
  @ValueSource(strings = {"{\"image\": \"CloudThree\"}", "{\"identity\": \"CloudThree\"}"})
  void unknownCloud(String scope, Clouds clouds, Cli cli) throws Exception {
    Logs.Mark mark = Logs.mark(clouds);

    Cli.Result r = cli.run("image list, CloudOne's credentials, " + scope, clouds.one().demo(),
        "image", "list", "--os-scope", scope);

    assertThat(r.exit()).as(r.describe()).isNotZero();
    assertThat(r.err()).as(r.describe()).contains("to unknown cloud 'CloudThree'; known clouds: CloudOne, CloudTwo");
    assertNothingReachedAService(mark, clouds, a -> a.status() == 400);
  }

  @ParameterizedTest(name = "{0}: the plugin refuses it, nothing is sent")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"image\": | invalid JSON",
      "[\"CloudTwo\"] | must be a JSON object mapping service types to cloud names, not an array",
      "{\"image\": \"Cloud Two\"} | invalid cloud expression \"Cloud Two\"",
      "{\"image\": \"CloudOne & \"} | at position 11: expected a cloud name or '(' but found the end",
      "{\"image\": 2} | the cloud of service type \"image\" must be a string, not a number",
      "'{\"image\": \"CloudTwo\"}' | invalid JSON"})
  void malformedScope(String scope, String message, Clouds clouds, Cli cli) throws Exception {
    Cli.Result r;
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String here = "http://127.0.0.1:" + listener.getLocalPort();
      Map<String, String> pointedHere = new HashMap<>(clouds.one().demo());
      pointedHere.put("OS_AUTH_URL", here + "/v3");
      for (String proxy : List.of("http_proxy", "HTTP_PROXY")) pointedHere.computeIfPresent(proxy, (k, v) -> here);

      r = cli.run("image list, CloudOne's credentials, malformed " + scope, pointedHere,
          "image", "list", "--os-scope", scope);

      // The CLI has exited: a connection it opened is queued before the one opened now.
      try (Socket marker = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        listener.setSoTimeout(30_000);
        try (Socket first = listener.accept()) {
          assertThat(first.getPort()).as("the first connection to the CLI's only address is the test's own, "
              + "not one the CLI opened").isEqualTo(marker.getLocalPort());
        }
      }
    }

    assertThat(r.exit()).as(r.describe()).isEqualTo(2);
    assertThat(r.err()).as(r.describe()).contains("openstack: error: --os-scope: ").contains(message);
  }

  /** What a client without the plugin, or a buggy one, may send: the proxy answers 400 itself. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "X-Scope | {\"image\": \"CloudTwo\" | Malformed scope in the X-Scope header: scope is not valid JSON",
      "X-Scope | [\"CloudTwo\"] | Malformed scope in the X-Scope header: scope must be a JSON object",
      "X-Scope | {\"image\": \"CloudThree\"} | The scope sends service type 'image' to unknown cloud 'CloudThree'",
      "X-Auth-Token | not-a-token!SCOPE!{\"image\": 1} | Malformed scope in the X-Auth-Token suffix"})
  void malformedStraightToTheProxy(String header, String value, String message, Clouds clouds) throws Exception {
    assertProxyRefuses(clouds, header, value, message);
  }

  /**
   * A scope that ends right after a ':' (the value missing at the end of the input). Observed:
   * {@code StringIndexOutOfBoundsException} in {@code ScopeJson.kindAt}, logged by reactor-netty's
   * HttpServer at ERROR; the proxy closes the connection without any response and writes no
   * access-log line. Expected: 400, "Malformed scope in the X-Scope header: …".
   */
  @Test
  void scopeEndingAfterColon(Clouds clouds) throws Exception {
    assertProxyRefuses(clouds, "X-Scope", "{\"image\":", "Malformed scope in the X-Scope header");
  }

  private static void assertProxyRefuses(Clouds clouds, String header, String value, String message) throws Exception {
    Clouds.Cloud one = clouds.one();
    Logs.Mark mark = Logs.mark(clouds);
    String url = one.publicUrl("image") + "/v2/images";

    HttpResponse<String> response = Steps.time("GET /v2/images to CloudOne's proxy, " + header + ": " + value,
        () -> one.get(url, header, value));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(400);
    assertThat(error.get("message").asText()).contains(message);
    String path = URI.create(url).getPath();
    List<Logs.Access> ours = assertNothingReachedAService(mark, clouds, a -> a.path().endsWith(path));
    assertThat(ours).as("CloudOne's access log: the request sent").hasSize(1);
  }

  /**
   * After the marked requests: the lines of CloudOne's proxy that are {@code ours} (at least one)
   * are 400s it answered itself, no line of it went to CloudTwo's proxy, and no request reached
   * a Glance. Returns our lines.
   */
  private static List<Logs.Access> assertNothingReachedAService(Logs.Mark mark, Clouds clouds,
      Predicate<Logs.Access> ours) throws Exception {
    Map<String, List<Logs.Access>> before = mark.awaitMarkers();
    List<Logs.Access> one = before.get(Clouds.ONE);
    String twoProxy = "127.0.0.1:" + clouds.two().proxyPort();
    List<Logs.Access> refused = one.stream().filter(ours).toList();
    assertThat(refused).as("CloudOne's access log, before the marker: %s", one).isNotEmpty()
        .allSatisfy(a -> {
          assertThat(a.status()).isEqualTo(400);
          assertThat(a.upstream()).as("upstream of %s", a).isEqualTo("-");
        });
    assertThat(one).as("CloudOne's access log: requests sent to CloudTwo's proxy")
        .noneSatisfy(a -> assertThat(a.upstream()).isEqualTo(twoProxy));
    assertThat(mark.glanceRequests()).as("requests that reached a Glance").isEmpty();
    return refused;
  }
}
