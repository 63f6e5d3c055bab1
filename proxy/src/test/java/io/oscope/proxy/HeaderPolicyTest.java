package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a backend receives, byte for byte, when a client repeats its Content-Length, names another
 * Host than its absolute-form target, or sends forwarding and identity headers of its own: raw
 * sockets both sides, through one proxy and through two. Clients connect from 127.0.0.2, which
 * no proxy here trusts but the one started to trust it; the proxies themselves (127.0.0.1) are
 * each other's peers.
 */
class HeaderPolicyTest {
  private static final String UNTRUSTED = "127.0.0.2";
  private static Recorder identity;
  private static Recorder oneImage;
  private static Recorder twoImage;
  private static HostPort oneFrontend;
  private static HostPort twoFrontend;
  private static ScopeProxy one;
  private static ScopeProxy two;
  /** A second CloudOne proxy that trusts the clients' address. */
  private static ScopeProxy trustingOne;

  /** A raw backend that records the head and body of each request and answers 200 "ok". */
  private record Recorder(RawUpstream upstream, BlockingQueue<Received> received) implements AutoCloseable {
    static Recorder start(String name) throws IOException {
      BlockingQueue<Received> received = new LinkedBlockingQueue<>();
      RawUpstream upstream = new RawUpstream(name, (head, client) -> {
        byte[] body = client.getInputStream().readNBytes(contentLength(head));
        received.add(new Received(head, new String(body, StandardCharsets.ISO_8859_1)));
        client.getOutputStream().write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      });
      return new Recorder(upstream, received);
    }

    HostPort address() {
      return new HostPort("127.0.0.1", upstream.port());
    }

    Received next() throws InterruptedException {
      Received next = received.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("a request reached the backend").isNotNull();
      return next;
    }

    @Override
    public void close() throws IOException {
      upstream.close();
    }
  }

  /** A request as the backend read it: its head's lines (request line first) and its body. */
  private record Received(String head, String body) {
    List<String> lines() {
      return Arrays.asList(head.substring(0, head.length() - 4).split("\r\n"));
    }

    /** The lines of the header {@code name}, whatever their case. */
    List<String> named(String name) {
      return lines().stream().skip(1).filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":")).toList();
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).split(",")[0].strip());
      }
    }
    return 0;
  }

  @BeforeAll
  static void start() throws Exception {
    identity = Recorder.start("identity");
    oneImage = Recorder.start("one-image");
    twoImage = Recorder.start("two-image");
    oneFrontend = new HostPort("127.0.0.1", FreePorts.next());
    twoFrontend = new HostPort("127.0.0.1", FreePorts.next());
    List<String> rows = new ArrayList<>();
    rows.add(row("identity", "public", "http://" + oneFrontend + "/identity/v3", "CloudOne", oneFrontend, identity.address()));
    rows.add(row("identity", "public", "http://" + twoFrontend + "/identity/v3", "CloudTwo", twoFrontend, identity.address()));
    rows.add(row("image", "public", "http://" + oneFrontend + "/image", "CloudOne", oneFrontend, oneImage.address()));
    // The catalogue may also point at the service itself, the proxy being its clients' HTTP proxy.
    rows.add(row("image", "internal", "http://" + oneImage.address(), "CloudOne", oneFrontend, oneImage.address()));
    rows.add(row("image", "public", "http://" + twoFrontend + "/image", "CloudTwo", twoFrontend, twoImage.address()));
    byte[] file = ("{\"services\": [\n" + String.join(",\n", rows) + "\n]}").getBytes(StandardCharsets.UTF_8);
    one = ScopeProxy.start(RouteTable.compile("policy", RouteFile.parse("policy", file), "CloudOne"),
        ProxySettings.of("CloudOne", oneFrontend));
    two = ScopeProxy.start(RouteTable.compile("policy", RouteFile.parse("policy", file), "CloudTwo"),
        ProxySettings.of("CloudTwo", twoFrontend));
    trustingOne = ScopeProxy.start(RouteTable.compile("policy", RouteFile.parse("policy", file), "CloudOne"),
        ProxySettings.of("CloudOne", new HostPort("127.0.0.1", 0)).toBuilder()
            .trustedHops(TrustedHops.parse(List.of(UNTRUSTED))).build());
  }

  @AfterAll
  static void stop() throws IOException {
    for (ScopeProxy proxy : List.of(one, two, trustingOne)) proxy.close();
    for (Recorder recorder : List.of(identity, oneImage, twoImage)) recorder.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    for (Recorder recorder : List.of(identity, oneImage, twoImage)) recorder.received.clear();
  }

  private static String row(String type, String iface, String url, String region, HostPort frontend, HostPort backend) {
    return String.format(
        "{\"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"%s\", \"Region\": \"%s\", \"Frontend\": \"%s\", \"Backend\": \"%s\"}",
        type, iface, url, region, frontend, backend);
  }

  /** Sends {@code request} from {@code from} to the proxy at {@code port}; what it answered until it closed. */
  private static String send(String from, int port, String request) {
    return RawHttp.exchange(from, new InetSocketAddress("127.0.0.1", port), request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void assertOk(String response) {
    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok");
  }

  @Test
  void aRepeatedContentLengthGoesUpstreamOnceSoTheBodyStaysABody() throws Exception {
    // The body looks like a request: a backend reading another length would take it for the next one.
    String smuggled = "GET /image/v2/stolen HTTP/1.1\r\nHost: " + oneFrontend + "\r\n\r\n";
    int length = smuggled.length();
    for (String lengths : List.of("Content-Length: " + length + ", " + length,
        "Content-Length: " + length + "\r\ncontent-length: " + length)) {
      assertOk(send(UNTRUSTED, oneFrontend.port(), "POST /image/v2/images HTTP/1.1\r\nHost: " + oneFrontend
          + "\r\n" + lengths + "\r\nConnection: close\r\n\r\n" + smuggled));

      Received received = oneImage.next();
      assertThat(received.lines().get(0)).isEqualTo("POST /image/v2/images HTTP/1.1");
      assertThat(received.named("content-length")).containsExactly("content-length: " + length);
      assertThat(received.body()).isEqualTo(smuggled);
      assertThat(oneImage.received).isEmpty();
    }
  }

  @Test
  void anAbsoluteFormRequestGoesWithItsTargetsAuthorityAsHost() throws Exception {
    String service = oneImage.address().toString();
    assertOk(send(UNTRUSTED, oneFrontend.port(), "GET http://" + service + "/v2/images HTTP/1.1\r\n"
        + "Host: evil.example\r\nConnection: close\r\n\r\n"));

    Received received = oneImage.next();
    assertThat(received.lines().get(0)).isEqualTo("GET /v2/images HTTP/1.1");
    assertThat(received.named("host")).containsExactly("host: " + service);
    assertThat(received.named("x-forwarded-host")).containsExactly("x-forwarded-host: " + service);
    assertThat(received.head()).doesNotContain("evil");

    // In origin form the client's Host is the target's authority: sent on, so links point at the proxy.
    assertOk(send(UNTRUSTED, oneFrontend.port(), "GET /image/v2/images HTTP/1.1\r\nHost: " + oneFrontend
        + "\r\nConnection: close\r\n\r\n"));
    received = oneImage.next();
    assertThat(received.named("host")).containsExactly("host: " + oneFrontend);
    assertThat(received.named("x-forwarded-host")).containsExactly("x-forwarded-host: " + oneFrontend);
  }

  @Test
  void anUntrustedClientsForwardingAndIdentityHeadersAreReplaced() throws Exception {
    assertOk(send(UNTRUSTED, oneFrontend.port(), "GET /image/v2/images HTTP/1.1\r\nHost: " + oneFrontend + "\r\n"
        + "X-Forwarded-For: 203.0.113.66\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n"
        + "Forwarded: for=203.0.113.66;host=evil.example\r\n"
        + "X-Identity-Cloud: CloudTwo\r\nX-Identity-Url: http://evil.example/v3\r\nConnection: close\r\n\r\n"));

    Received received = oneImage.next();
    assertThat(received.named("x-forwarded-for")).containsExactly("x-forwarded-for: " + UNTRUSTED);
    assertThat(received.named("x-forwarded-proto")).containsExactly("x-forwarded-proto: http");
    assertThat(received.named("x-forwarded-host")).containsExactly("x-forwarded-host: " + oneFrontend);
    assertThat(received.named("forwarded")).isEmpty();
    assertThat(received.named("x-identity-cloud")).containsExactly("x-identity-cloud: CloudOne");
    assertThat(received.named("x-identity-url")).containsExactly("x-identity-url: http://" + oneFrontend + "/identity/v3");
    assertThat(received.head()).doesNotContain("203.0.113.66").doesNotContain("evil");
  }

  @Test
  void aPassThroughRequestCarriesNoScopeOrIdentityHeaderOfTheClient() throws Exception {
    // CloudTwo's image backend is an address of the route file but no service URL: passed through.
    String destination = twoImage.address().toString();
    assertOk(send(UNTRUSTED, oneFrontend.port(), "GET http://" + destination + "/elsewhere HTTP/1.1\r\n"
        + "Host: " + destination + "\r\nX-Scope: {\"image\": \"CloudTwo\"}\r\nX-Identity-Cloud: CloudTwo\r\n"
        + "X-Identity-Url: http://evil.example/v3\r\nX-Auth-Token: tok\r\nConnection: close\r\n\r\n"));

    Received received = twoImage.next();
    assertThat(received.lines().get(0)).isEqualTo("GET /elsewhere HTTP/1.1");
    assertThat(received.named("x-scope")).isEmpty();
    assertThat(received.named("x-identity-cloud")).isEmpty();
    assertThat(received.named("x-identity-url")).isEmpty();
    assertThat(received.named("x-auth-token")).containsExactly("X-Auth-Token: tok");
    assertThat(received.named("host")).containsExactly("host: " + destination);
    assertThat(received.named("x-forwarded-for")).containsExactly("x-forwarded-for: " + UNTRUSTED);
  }

  @Test
  void aPeerProxyPassesTheOriginalClientOn() throws Exception {
    assertOk(send(UNTRUSTED, oneFrontend.port(), "GET /image/v2/images HTTP/1.1\r\nHost: " + oneFrontend + "\r\n"
        + "X-Scope: {\"image\": \"CloudTwo\"}\r\nX-Forwarded-For: 203.0.113.66\r\nConnection: close\r\n\r\n"));

    // CloudTwo trusts CloudOne's proxy (a Frontend of its route file): the chain starts at the client.
    Received received = twoImage.next();
    assertThat(received.lines().get(0)).isEqualTo("GET /image/v2/images HTTP/1.1");
    assertThat(received.named("host")).containsExactly("host: " + twoFrontend);
    assertThat(received.named("x-forwarded-for")).containsExactly("x-forwarded-for: " + UNTRUSTED + ", 127.0.0.1");
    assertThat(received.named("x-forwarded-host")).containsExactly("x-forwarded-host: " + oneFrontend);
    assertThat(received.named("x-forwarded-proto")).containsExactly("x-forwarded-proto: http");
    assertThat(received.named("via")).containsExactly("via: 1.1 oscope-CloudOne, 1.1 oscope-CloudTwo");
    assertThat(received.named("x-scope")).containsExactly(
        "x-scope: {\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}");
  }

  @Test
  void aTrustedProxysForwardingHeadersArePassedOnAndExtended() throws Exception {
    assertOk(send(UNTRUSTED, trustingOne.address().getPort(), "GET /image/v2/images HTTP/1.1\r\nHost: " + oneFrontend
        + "\r\nX-Forwarded-For: 203.0.113.66\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: api.example\r\n"
        + "Forwarded: for=203.0.113.66;proto=https\r\nConnection: close\r\n\r\n"));

    Received received = oneImage.next();
    assertThat(received.named("x-forwarded-for")).containsExactly("x-forwarded-for: 203.0.113.66, " + UNTRUSTED);
    assertThat(received.named("x-forwarded-proto")).containsExactly("X-Forwarded-Proto: https");
    assertThat(received.named("x-forwarded-host")).containsExactly("X-Forwarded-Host: api.example");
    assertThat(received.named("forwarded")).containsExactly("forwarded: for=203.0.113.66;proto=https, for="
        + UNTRUSTED + ";host=\"" + oneFrontend + "\";proto=http");
  }
}
