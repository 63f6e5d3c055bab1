package io.oscope.proxy;

import io.oscope.http1.RequestHead;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.scope.Scope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request head {@link HeaderRules} writes for upstream, read back line by line. */
class HeaderRulesTest {
  private static final String ROUTES = """
      {"services": [
        {"Service Type": "identity", "Interface": "public", "URL": "10.0.1.1:5000/v3", "Region": "CloudOne", "Frontend": "10.0.1.1:8888", "Backend": "127.0.0.1:15000"},
        {"Service Type": "image", "Interface": "public", "URL": "10.0.1.1:9292", "Region": "CloudOne", "Frontend": "10.0.1.1:8888", "Backend": "127.0.0.1:19292"},
        {"Service Type": "image", "Interface": "public", "URL": "10.0.2.1:9292", "Region": "CloudTwo", "Frontend": "10.0.2.1:8888", "Backend": "127.0.0.1:29292"}
      ]}""";
  private static final String SCOPE = "{\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}";

  private final RouteTable table = table();
  private final HeaderRules rules = new HeaderRules("CloudOne", "oscope-CloudOne", "http", TrustedHops.none());

  private static RouteTable table() {
    try {
      return RouteTable.compile("rules", RouteFile.parse("rules", ROUTES.getBytes(StandardCharsets.UTF_8)), "CloudOne");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Route route(String type) {
    Scope scope = Scope.parse(SCOPE).withDefault(table.serviceTypes(), "CloudOne");
    return new Route(type, "CloudOne", Pool.of(new HostPort("127.0.0.1", 19292)), "/v2/images", "10.0.1.1:9292",
        "10.0.1.1:9292", null, ScopeHeaders.encode(scope, table));
  }

  /** A client's GET with these header lines. */
  private static RequestHead request(String... lines) {
    boolean host = List.of(lines).stream().anyMatch(line -> line.regionMatches(true, 0, "Host:", 0, 5));
    return RequestHead.of("GET /anything HTTP/1.1\r\n" + (host ? "" : "Host: h\r\n") + String.join("\r\n", lines)
        + "\r\n\r\n");
  }

  private List<String> head(RequestHead client, Route route, boolean chunked, HeaderRules.ExchangeHeaders extra) {
    return head(rules, client, route, "192.0.2.7", chunked, extra);
  }

  private List<String> head(HeaderRules rules, RequestHead client, Route route, String clientAddress, boolean chunked,
      HeaderRules.ExchangeHeaders extra) {
    ByteBuf out = Unpooled.buffer();
    rules.writeUpstreamHead(out, client, "/v2/images", route, table, clientAddress, chunked, extra, null);
    String text = out.toString(StandardCharsets.ISO_8859_1);
    assertThat(text).endsWith("\r\n\r\n");
    return new ArrayList<>(List.of(text.substring(0, text.length() - 4).split("\r\n")));
  }

  @Test
  void hopByHopHeadersGoTheScopeIsCompleteAndForwardingHeadersFollow() {
    RequestHead client = request(
        "Host: 10.0.1.1:9292",
        "Connection: keep-alive, X-Private",
        "X-Private: secret",
        "Keep-Alive: timeout=5",
        "TE: trailers",
        "Proxy-Authorization: Basic eA==",
        "Expect: 100-continue",
        "X-Oscope-Peer: forged",
        "Accept: application/json",
        "X-Scope: {\"image\":\"CloudTwo\"}",
        "X-Identity-Url: http://elsewhere",
        "X-Auth-Token: user-token!SCOPE!{\"image\":\"CloudTwo\"}",
        "X-Subject-Token: subject!SCOPE!{\"image\":\"CloudTwo\"}",
        "Via: 1.1 squid",
        "Via: 1.0 other",
        "X-Forwarded-For: 198.51.100.1",
        "X-Forwarded-Proto: https",
        "X-Forwarded-Host: elsewhere.example",
        "Forwarded: for=198.51.100.1");
    List<String> lines = head(client, route("image"), false, null);
    assertThat(lines.remove(0)).isEqualTo("GET /v2/images HTTP/1.1");
    // 192.0.2.7 is no trusted hop: its forwarding headers are replaced by what the proxy saw.
    assertThat(lines).containsExactlyInAnyOrder(
        "Accept: application/json",
        "X-Auth-Token: user-token!SCOPE!{\"image\":\"CloudTwo\"}", // the scope follows the workflow
        "X-Subject-Token: subject",
        "host: 10.0.1.1:9292",
        "x-scope: {\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}",
        "x-identity-cloud: CloudOne",
        "x-identity-url: http://10.0.1.1:5000/v3",
        "via: 1.1 squid, 1.0 other, 1.1 oscope-CloudOne",
        "x-forwarded-for: 192.0.2.7",
        "x-forwarded-proto: http",
        "x-forwarded-host: 10.0.1.1:9292");
  }

  @Test
  void aTrustedHopsForwardingHeadersArePassedOnAndExtended() {
    RequestHead client = request(
        "X-Forwarded-For: 198.51.100.1",
        "Forwarded: for=198.51.100.1;proto=https",
        "X-Forwarded-Proto: https",
        "x-forwarded-for: 198.51.100.2",
        "X-Forwarded-Host: api.example");
    HeaderRules trusting = new HeaderRules("CloudOne", "oscope-CloudOne", "http", TrustedHops.parse(List.of("192.0.2.0/24")));
    assertThat(head(trusting, client, route("image"), "192.0.2.7", false, null)).contains(
        "x-forwarded-for: 198.51.100.1, 198.51.100.2, 192.0.2.7",
        "X-Forwarded-Proto: https",
        "X-Forwarded-Host: api.example",
        "forwarded: for=198.51.100.1;proto=https, for=192.0.2.7;host=\"10.0.1.1:9292\";proto=http")
        .noneMatch(line -> line.startsWith("x-forwarded-proto") || line.startsWith("x-forwarded-host"));
    // The other clouds' proxies (the route file's Frontend addresses) are trusted without saying so.
    assertThat(head(rules, client, route("image"), "10.0.2.1", false, null))
        .contains("x-forwarded-for: 198.51.100.1, 198.51.100.2, 10.0.2.1", "X-Forwarded-Host: api.example");
    assertThat(head(rules, client, route("image"), "10.0.1.1", false, null)) // this cloud's own is not a peer
        .contains("x-forwarded-for: 10.0.1.1", "x-forwarded-host: 10.0.1.1:9292")
        .noneMatch(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("forwarded"));
  }

  @Test
  void oneContentLengthGoesUpstreamWhateverTheClientRepeated() {
    for (String lengths : List.of("Content-Length: 5, 5", "Content-Length: 5\r\ncontent-length: 5",
        "Content-Length: 5 , 5\r\nContent-Length: 5")) {
      RequestHead client = RequestHead.of("POST /v2/images HTTP/1.1\r\nHost: h\r\n" + lengths + "\r\n\r\n");
      assertThat(head(client, route("image"), false, null))
          .filteredOn(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length"))
          .containsExactly("content-length: 5");
    }
    RequestHead large = RequestHead.of("PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 2147483648000\r\n\r\n");
    assertThat(head(large, route("image"), false, null)).contains("content-length: 2147483648000");
    RequestHead empty = RequestHead.of("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
    assertThat(head(empty, route("image"), false, null)).contains("content-length: 0");
    assertThat(head(request("Host: h"), route("image"), false, null)).noneMatch(line -> line.startsWith("content-length"));
    RequestHead chunked = RequestHead.of("POST /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    assertThat(head(chunked, route("image"), true, null)).contains("transfer-encoding: chunked")
        .noneMatch(line -> line.startsWith("content-length"));
  }

  @Test
  void identityGetsItsTokenWithoutScopeAndTheExchangeItsOwnHeaders() {
    RequestHead client = request(
        "X-Auth-Token: user-token!SCOPE!{\"image\":\"CloudTwo\"}");
    assertThat(head(client, route("identity"), false, null)).contains("X-Auth-Token: user-token");
    List<String> exchanged = head(client, route("identity"), true, new HeaderRules.ExchangeHeaders("service-token", "sig"));
    assertThat(exchanged).contains("x-auth-token: service-token", "x-oscope-peer: sig", "transfer-encoding: chunked")
        .noneMatch(line -> line.contains("user-token"));
  }

  /** The image route of {@link #SCOPE} as it leaves for CloudTwo's proxy. */
  private Route toPeer() {
    Scope scope = Scope.parse(SCOPE).withDefault(table.serviceTypes(), "CloudOne");
    return new Route("image", "CloudTwo", Pool.of(new HostPort("10.0.2.1", 8888)), "/v2/images", "10.0.2.1:8888",
        "10.0.2.1:9292", "http://10.0.2.1:9292/v2/images", ScopeHeaders.encode(scope, table));
  }

  @Test
  void tokensLeavingForAPeerNameTheCloudThatChecksThem() {
    // A scope sent in X-Scope alone rides on the token too: the peer's services check the token
    // with the Keystone the scope names for identity, not with their own.
    assertThat(head(request("X-Scope: {\"image\":\"CloudTwo\"}", "X-Auth-Token: user-token"), toPeer(), false, null))
        .contains("X-Auth-Token: user-token!SCOPE!" + SCOPE, "x-scope: " + SCOPE);
    // A service's own token (Nova calling Neutron beside the user's) names this cloud's Keystone.
    assertThat(head(request("X-Auth-Token: user-token!SCOPE!{\"image\":\"CloudTwo\"}", "X-Service-Token: nova-token"),
        toPeer(), false, null)).contains("X-Auth-Token: user-token!SCOPE!{\"image\":\"CloudTwo\"}",
        "X-Service-Token: nova-token!SCOPE!{\"identity\":\"CloudOne\"}");
    // One that already names its cloud keeps it; nothing is added for a local backend.
    assertThat(head(request("X-Service-Token: nova-token!SCOPE!{\"identity\":\"CloudTwo\"}"), toPeer(), false, null))
        .contains("X-Service-Token: nova-token!SCOPE!{\"identity\":\"CloudTwo\"}");
    assertThat(head(request("X-Auth-Token: user-token", "X-Service-Token: nova-token"), route("image"), false, null))
        .contains("X-Auth-Token: user-token", "X-Service-Token: nova-token");
  }

  @Test
  void longValuesAndObsTextGoAsTheBytesTheyCameFrom() {
    String token = "gAAAAA" + "x".repeat(300) + "\u00e9t\u00e9";
    String value = "v\u00e9" + "y".repeat(100);
    RequestHead client = request(
        "X-Auth-Token: " + token,
        "X-Long: " + value,
        "X-Short: \u00e9");
    List<String> lines = head(client, route("image"), false, null);
    assertThat(lines).contains("X-Auth-Token: " + token, "X-Long: " + value, "X-Short: \u00e9");
  }

  @Test
  void aPassThroughRequestCarriesNoneOfTheHeadersOscopeOwns() {
    RequestHead client = request(
        "Host: example.org",
        "X-Scope: {\"image\":\"CloudTwo\"}",
        "X-Identity-Cloud: CloudTwo",
        "X-Identity-Url: http://attacker.example/v3",
        "X-Subject-Token: subject!SCOPE!{}");
    Route passThrough = new Route(null, null, Pool.of(new HostPort("example.org", 80)), "/", "example.org",
        "example.org", null, null);
    assertThat(head(client, passThrough, false, null))
        .contains("X-Subject-Token: subject!SCOPE!{}", "host: example.org")
        .noneMatch(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("x-scope"))
        .noneMatch(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("x-identity"));
  }

  @Test
  void aViaEntryOfThisProxyIsALoopWhereverItStands() {
    assertThat(rules.isLoop(request("Host: h"))).isFalse();
    assertThat(rules.isLoop(request("Via: 1.1 oscope-CloudTwo, 1.1 squid (cache)"))).isFalse();
    assertThat(rules.isLoop(request("Via: 1.1 oscope-CloudOneX"))).isFalse();
    assertThat(rules.isLoop(request("Via: 1.1 oscope-CloudOne"))).isTrue();
    assertThat(rules.isLoop(request("Via: 1.0 squid ,  HTTP/1.1\toscope-CloudOne (oscope)"))).isTrue();
    assertThat(rules.isLoop(request("Via: 1.1 squid", "via: 1.1 oscope-CloudOne"))).isTrue();
  }
}
