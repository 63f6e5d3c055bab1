package io.oscope.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad scopes get a clear error and reach no service. An unknown cloud is refused by the proxy
 * (400, its message on the CLI's stderr), malformed input by the plugin before anything is sent
 * (exit status 2). Checked in the logs: no new request line in any Keystone's or Glance's log, and
 * in the proxies' access logs only the 400s (or nothing at all).
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
    List<Logs.Access> access = mark.awaitAccess(clouds.one(), a -> a.status() == 400);
    assertThat(access).as("CloudOne's access log").isNotEmpty().allSatisfy(a -> assertThat(a.status()).isEqualTo(400));
    assertNothingReachedAService(mark, clouds, false);
  }

  @ParameterizedTest(name = "{0}: the plugin refuses it, nothing is sent")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"image\": | invalid JSON",
      "[\"CloudTwo\"] | must be a JSON object mapping service types to cloud names, not an array",
      "{\"image\": \"Cloud Two\"} | invalid cloud name \"Cloud Two\"",
      "{\"image\": 2} | the cloud of service type \"image\" must be a string, not a number",
      "'{\"image\": \"CloudTwo\"}' | invalid JSON"})
  void malformedScope(String scope, String message, Clouds clouds, Cli cli) throws Exception {
    Logs.Mark mark = Logs.mark(clouds);

    Cli.Result r = cli.run("image list, CloudOne's credentials, malformed " + scope, clouds.one().demo(),
        "image", "list", "--os-scope", scope);

    assertThat(r.exit()).as(r.describe()).isEqualTo(2);
    assertThat(r.err()).as(r.describe()).contains("openstack: error: --os-scope: ").contains(message);
    assertNothingReachedAService(mark, clouds, true);
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
    List<Logs.Access> access = mark.awaitAccess(one, a -> a.status() == 400);
    assertThat(access).as("CloudOne's access log").hasSize(1).allSatisfy(a -> assertThat(a.status()).isEqualTo(400));
    assertNothingReachedAService(mark, clouds, false);
  }

  /** No request line in any service's log; with {@code silentProxies}, none in the proxies' either. */
  private static void assertNothingReachedAService(Logs.Mark mark, Clouds clouds, boolean silentProxies) throws Exception {
    Thread.sleep(500);  // services log a request when it ends: give a stray one time to show
    assertThat(mark.serviceRequests()).as("requests that reached a Keystone or a Glance").isEmpty();
    assertThat(mark.access(clouds.two())).as("CloudTwo's access log").isEmpty();
    if (silentProxies) assertThat(mark.access(clouds.one())).as("CloudOne's access log").isEmpty();
  }
}
