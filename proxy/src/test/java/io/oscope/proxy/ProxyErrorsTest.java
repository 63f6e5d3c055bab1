package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every error the proxy answers itself: status, OpenStack-style body, and nothing forwarded. */
class ProxyErrorsTest {
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
  void aMalformedScopeIsA400NamingTheProblemAndReachesNoService() {
    long before = clouds.oneImage.received() + clouds.twoImage.received();

    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Scope", "{\"image\": CloudTwo}"));

    assertError(reply, 400, "Bad Request",
        "Malformed scope in the X-Scope header: scope value for 'image' must be a string naming a cloud, got 'C' (not valid JSON)");
    assertThat(clouds.oneImage.received() + clouds.twoImage.received()).isEqualTo(before);
  }

  @Test
  void aMalformedTokenSuffixIsA400NamingItsSource() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Auth-Token", "tok!SCOPE![\"CloudTwo\"]"));

    assertError(reply, 400, "Bad Request", "Malformed scope in the X-Auth-Token suffix: scope must be a JSON object"
        + " mapping service types to cloud names, got an array");
    assertThat(reply.body()).doesNotContain("tok!");
  }

  @Test
  void anUnknownCloudIsA400AndNeverAnOpenRelay() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-Scope", "{\"image\": \"CloudThree\"}"));

    assertError(reply, 400, "Bad Request",
        "The scope sends service type 'image' to unknown cloud 'CloudThree'; known clouds: CloudOne, CloudTwo");
  }

  @Test
  void aCloudWithoutTheServiceIsA400() {
    Http.Reply reply = http.get(clouds.oneUrl("/compute/v2.1/servers"), Map.of("X-Scope", "{\"compute\": \"CloudTwo\"}"));

    assertError(reply, 400, "Bad Request", "Cloud 'CloudTwo' has no compute service on the public interface");
  }

  @Test
  void aPathWithNoServiceOnThisProxyIsA404() {
    assertError(http.get(clouds.oneUrl("/nothing/here?x=1"), Map.of()), 404, "Not Found",
        "No service is published at " + clouds.oneFrontend + "/nothing/here");
  }

  @Test
  void destinationsOutsideTheRouteFileAre403() {
    Http viaOne = Http.through(new java.net.InetSocketAddress("127.0.0.1", clouds.oneFrontend.port()));

    assertError(viaOne.get("http://127.0.0.1:9/", Map.of()), 403, "Forbidden",
        "Destination 127.0.0.1:9 is neither a service of the route table nor allowed with --allow");
  }

  @Test
  void aRequestThatAlreadyPassedThisProxyIsA508() {
    Http.Reply reply = http.get(clouds.oneUrl("/image/v2/images"), Map.of("Via", "1.1 edge, 1.1 oscope-CloudOne (oscope)"));

    assertError(reply, 508, "Loop Detected",
        "Request loop: this proxy (oscope-CloudOne) is already in the request's Via header");
  }

  @Test
  void connectIsA405() {
    String response = RawHttp.exchange(clouds.oneFrontend.port(),
        "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 405 Method Not Allowed").contains("CONNECT to example.org:443 is not allowed");
  }

  @Test
  void aRequestWithBothContentLengthAndTransferEncodingIsA400WithAJsonBody() {
    long before = clouds.oneImage.received();

    String response = RawHttp.exchange(clouds.oneFrontend.port(),
        "POST /image/v2/images HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\nContent-Length: 4\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");

    // RequestHead refuses this framing (RFC 9112 section 6.3), in the proxy's own words.
    assertThat(response).startsWith("HTTP/1.1 400 Bad Request").contains("content-type: application/json")
        .contains("{\"error\":{\"code\":400,\"title\":\"Bad Request\",\"message\":\"Malformed HTTP request: ");
    // HTTP/1.0 has no Transfer-Encoding at all: refused the same way.
    String old = RawHttp.exchange(clouds.oneFrontend.port(),
        "POST /image/v2/images HTTP/1.0\r\nHost: " + clouds.oneFrontend + "\r\nContent-Length: 4\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(old).startsWith("HTTP/1.1 400 Bad Request").contains("\"message\":\"Malformed HTTP request: ");
    assertThat(clouds.oneImage.received()).isEqualTo(before);
  }

  @Test
  void aChunkedBodyThatBreaksMidwayIsA400AndTheConnectionCloses() {
    // The head and the first chunk went upstream already: that request must not look complete there.
    String response = RawHttp.exchange(clouds.oneFrontend.port(),
        "POST /image/v2/images HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\nabcd\r\nnot-a-size\r\n\r\nGET /image/v2/images HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400 Bad Request").contains("connection: close")
        .contains("\"message\":\"Malformed HTTP request: a chunk without a size\"");
    assertThat(response.indexOf("HTTP/1.1", 1)).as("nothing after the refused request is read").isEqualTo(-1);
  }

  @Test
  void headersOverTheLimitAreA431() {
    String response = RawHttp.exchange(clouds.oneFrontend.port(),
        "GET /image/v2/images HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\nX-Big: " + "b".repeat(70_000)
            + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large")
        .contains("\"message\":\"The header section exceeds 65536 bytes\"");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() {
    long before = clouds.oneImage.received();
    String get = "GET /image/v2/images/%d HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\n%s\r\n";

    // Four requests in one write, the last one closing; a bad scope in the middle is answered in turn.
    String response = RawHttp.exchange(clouds.oneFrontend.port(), String.format(get, 1, "")
        + String.format(get, 2, "X-Scope: {bad\r\n") + String.format(get, 3, "") + String.format(get, 4, "Connection: close\r\n"));

    // Bodies end without a line break: a status line starts right after the previous body.
    List<String> statusLines = Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+").matcher(response).results()
        .map(MatchResult::group).toList();
    assertThat(statusLines).containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK");
    assertThat(response.indexOf("/image/v2/images/1")).isLessThan(response.indexOf("Malformed scope"));
    assertThat(response.indexOf("Malformed scope")).isLessThan(response.indexOf("/image/v2/images/3"));
    assertThat(response.indexOf("/image/v2/images/3")).isLessThan(response.indexOf("/image/v2/images/4"));
    assertThat(clouds.oneImage.received()).isEqualTo(before + 3);
  }

  @Test
  void hopByHopHeadersAndThoseNamedInConnectionAreDropped() {
    String response = RawHttp.exchange(clouds.oneFrontend.port(),
        "GET /image/v2/images HTTP/1.1\r\nHost: " + clouds.oneFrontend + "\r\n"
            + "Connection: close, X-Private\r\nX-Private: secret\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Authorization: Basic eDp5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
            + "Upgrade: websocket\r\nX-Kept: yes\r\n\r\n");

    String body = response.substring(response.indexOf("\r\n\r\n") + 4);
    JsonNode headers = Http.Reply.parse(body).path("headers");
    assertThat(headers.path("x-kept").asText()).isEqualTo("yes");
    for (String dropped : new String[] {"x-private", "keep-alive", "proxy-authorization", "proxy-connection", "te", "upgrade"}) {
      assertThat(headers.has(dropped)).as(dropped).isFalse();
    }
  }

  private static void assertError(Http.Reply reply, int status, String title, String messageStart) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.headers().get("content-type")).containsExactly("application/json");
    JsonNode error = reply.json().path("error");
    assertThat(error.path("code").asInt()).isEqualTo(status);
    assertThat(error.path("title").asText()).isEqualTo(title);
    assertThat(error.path("message").asText()).startsWith(messageStart);
  }
}
