package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.routes.HostPort;
import io.oscope.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who the client is, as the backend's {@code X-Forwarded-For} and the access log say: hops
 * believed by count ({@code --trusted-hops}) or by address ({@code --trusted-proxy}). Raw
 * sockets both sides; clients connect from 127.0.0.2, which no proxy here trusts unless told to.
 */
class ClientAddressTest {
  static final String CLIENT = "127.0.0.2";
  private static RawUpstream backend;
  private static final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
  private AccessLines accessLines;
  private final List<ScopeProxy> proxies = new ArrayList<>();

  @BeforeAll
  static void startBackend() throws IOException {
    backend = new RawUpstream("client-address-backend", (head, client) -> {
      heads.add(head);
      client.getOutputStream().write(
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
    });
  }

  @AfterAll
  static void stopBackend() throws IOException {
    backend.close();
  }

  @BeforeEach
  void forget() {
    heads.clear();
    accessLines = new AccessLines();
  }

  @AfterEach
  void stopProxies() {
    proxies.forEach(ScopeProxy::close);
    accessLines.close();
  }

  /** A proxy of cloud Solo in front of the backend, with a JSON access log, as {@code settings} change it. */
  ScopeProxy proxy(java.util.function.UnaryOperator<ProxySettings.Builder> settings) throws Exception {
    int port = FreePorts.next();
    ScopeProxy proxy = ScopeProxy.start(SoloRoutes.table("image", "image", port, backend.port()),
        settings.apply(ProxySettings.of("Solo", new HostPort("127.0.0.1", port)).toBuilder()
            .accessLog(ProxySettings.AccessLog.JSON)).build());
    proxies.add(proxy);
    return proxy;
  }

  /** Sends {@code bytes} from {@link #CLIENT} to {@code proxy}; what it answered until it closed. */
  static String send(ScopeProxy proxy, byte[] bytes) {
    return RawHttp.exchange(CLIENT, proxy.address(), bytes);
  }

  /** Sends {@code bytes} from {@link #CLIENT} to {@code proxy}, which must close the connection without a byte. */
  static void assertClosedUnanswered(ScopeProxy proxy, byte[] bytes) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(CLIENT, 0));
      socket.connect(proxy.address(), 10_000);
      socket.setSoTimeout(10_000);
      try {
        socket.getOutputStream().write(bytes);
        assertThat(socket.getInputStream().read()).as("the first byte of an answer").isEqualTo(-1);
      } catch (java.net.SocketException reset) {
        // Closed with bytes unread: a reset, and nothing answered either (a timeout is no SocketException).
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A GET of {@code path} with {@code headers} (lines ending in CR LF), closing the connection. */
  static byte[] get(ScopeProxy proxy, String path, String headers) {
    return ("GET /image" + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort() + "\r\n" + headers + "Connection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The {@code X-Forwarded-For} lines of the next request the backend received. */
  static List<String> forwardedFor() throws InterruptedException {
    String head = heads.poll(10, TimeUnit.SECONDS);
    assertThat(head).as("a request reached the backend").isNotNull();
    return List.of(head.split("\r\n")).stream()
        .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("x-forwarded-for:")).toList();
  }

  /** The access line of the request for {@code path}, once it is logged (after the response, on the event loop). */
  String accessLine(String path) throws InterruptedException {
    return accessLines.awaitContaining("\"path\":\"/image" + path + "\"");
  }

  static void assertOk(String response) {
    assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok");
  }

  @Test
  void anUntrustedPeerIsTheClientAndItsForwardingHeadersAreReplaced() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings);

    assertOk(send(proxy, get(proxy, "/untrusted", "X-Forwarded-For: 203.0.113.5\r\n")));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: " + CLIENT);
    assertThat(accessLine("/untrusted")).contains("\"client\":\"" + CLIENT + "\"");
  }

  @Test
  void withOneTrustedHopTheClientIsTheEntryThePeerAdded() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.trustedHops(TrustedHops.none().withHopCount(1)));

    assertOk(send(proxy, get(proxy, "/one-hop", "X-Forwarded-For: 203.0.113.5, 198.51.100.9\r\n")));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 203.0.113.5, 198.51.100.9, " + CLIENT);
    assertThat(accessLine("/one-hop")).contains("\"client\":\"198.51.100.9\"");
  }

  @Test
  void withTwoTrustedHopsTheClientIsOneFurtherLeftAcrossHeaderLines() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.trustedHops(TrustedHops.none().withHopCount(2)));

    assertOk(send(proxy, get(proxy, "/two-hops", "X-Forwarded-For: 192.0.2.1, 203.0.113.5\r\nX-Forwarded-For: 198.51.100.9\r\n")));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 192.0.2.1, 203.0.113.5, 198.51.100.9, " + CLIENT);
    assertThat(accessLine("/two-hops")).contains("\"client\":\"203.0.113.5\"");
  }

  @Test
  void trustedAddressesAreSkippedUpToTheFirstUntrustedOne() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.trustedHops(TrustedHops.parse(List.of("127.0.0.0/8", "10.0.0.0/8"))));

    assertOk(send(proxy, get(proxy, "/by-address", "X-Forwarded-For: 192.0.2.1, 203.0.113.5, 10.1.2.3\r\n")));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 192.0.2.1, 203.0.113.5, 10.1.2.3, " + CLIENT);
    assertThat(accessLine("/by-address")).contains("\"client\":\"203.0.113.5\"");
  }

  /** A PROXY protocol v2 header: {@code command} 0x20 LOCAL or 0x21 PROXY, {@code family} 0x11 TCP4, 0x21 TCP6, 0x00 UNSPEC. */
  static byte[] v2(int command, int family, byte[] addresses) {
    byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.writeBytes(signature);
    header.write(command);
    header.write(family);
    header.write(addresses.length >> 8);
    header.write(addresses.length & 0xff);
    header.writeBytes(addresses);
    return header.toByteArray();
  }

  /** The address block of a v2 header: source and destination addresses, then their ports. */
  static byte[] addresses(String source, String destination) throws IOException {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.writeBytes(java.net.InetAddress.getByName(source).getAddress());
    block.writeBytes(java.net.InetAddress.getByName(destination).getAddress());
    block.write(new byte[] {(byte) 0xdc, 0x04, 0x22, (byte) 0xb8}); // ports 56324 and 8888
    return block.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) all.writeBytes(part);
    return all.toByteArray();
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aVersion1HeadersSourceIsTheClientForEveryRequestOfItsConnection() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.proxyProtocol(true));
    String keepAlive = "GET /image/v1-first HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort() + "\r\n\r\n";

    // The header, and two requests after it in the same write: they are read as if it were not there.
    String response = send(proxy, concat(ascii("PROXY TCP4 203.0.113.7 127.0.0.1 56324 8888\r\n" + keepAlive),
        get(proxy, "/v1-second", "")));

    assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 203.0.113.7");
    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 203.0.113.7");
    assertThat(accessLine("/v1-first")).contains("\"client\":\"203.0.113.7\"");
  }

  @Test
  void aVersion1HeaderOfIpv6IsReadAsTheProxyWritesAddresses() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.proxyProtocol(true));

    assertOk(send(proxy, concat(ascii("PROXY TCP6 2001:db8::7 ::1 56324 8888\r\n"), get(proxy, "/v1-six", ""))));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 2001:db8:0:0:0:0:0:7");
    assertThat(accessLine("/v1-six")).contains("\"client\":\"2001:db8:0:0:0:0:0:7\"");
  }

  @Test
  void aVersion2HeaderOfEitherFamilyNamesTheClient() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.proxyProtocol(true));

    assertOk(send(proxy, concat(v2(0x21, 0x11, addresses("198.51.100.23", "127.0.0.1")), get(proxy, "/v2-four", ""))));
    assertOk(send(proxy, concat(v2(0x21, 0x21, addresses("2001:db8::23", "::1")), get(proxy, "/v2-six", ""))));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 198.51.100.23");
    assertThat(accessLine("/v2-four")).contains("\"client\":\"198.51.100.23\"");
    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 2001:db8:0:0:0:0:0:23");
    assertThat(accessLine("/v2-six")).contains("\"client\":\"2001:db8:0:0:0:0:0:23\"");
  }

  @Test
  void theBalancersOwnConnectionsKeepTheirAddress() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.proxyProtocol(true));

    // A LOCAL header (v2) and UNKNOWN (v1): the balancer's health checks, or a family it cannot tell.
    assertOk(send(proxy, concat(v2(0x20, 0x00, new byte[0]), get(proxy, "/local", ""))));
    assertOk(send(proxy, concat(ascii("PROXY UNKNOWN\r\n"), get(proxy, "/unknown", ""))));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: " + CLIENT);
    assertThat(forwardedFor()).containsExactly("x-forwarded-for: " + CLIENT);
    assertThat(accessLine("/local")).contains("\"client\":\"" + CLIENT + "\"");
  }

  @Test
  void aConnectionWithoutAValidHeaderIsClosedUnanswered() throws Exception {
    ScopeProxy proxy = proxy(settings -> settings.proxyProtocol(true));

    assertClosedUnanswered(proxy, get(proxy, "/no-header", ""));
    assertClosedUnanswered(proxy, concat(ascii("PROXY TCP4 203.0.113.7 nowhere 56324 8888\r\n"), get(proxy, "/bad", "")));
    assertClosedUnanswered(proxy, concat(v2(0x31, 0x11, addresses("198.51.100.23", "127.0.0.1")), get(proxy, "/v3", "")));
    // The proxy still serves the next connection that starts right.
    assertOk(send(proxy, concat(ascii("PROXY TCP4 203.0.113.8 127.0.0.1 56324 8888\r\n"), get(proxy, "/after", ""))));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 203.0.113.8");
    assertThat(heads).isEmpty();
  }

  @Test
  void aHeaderIsBelievedFromTheTrustedProxiesOnlyWhenTheyAreListed() throws Exception {
    ScopeProxy elsewhere = proxy(settings -> settings.proxyProtocol(true)
        .trustedHops(TrustedHops.parse(List.of("127.0.0.3"))));
    ScopeProxy listed = proxy(settings -> settings.proxyProtocol(true)
        .trustedHops(TrustedHops.parse(List.of("127.0.0.0/30"))));
    byte[] header = ascii("PROXY TCP4 203.0.113.9 127.0.0.1 56324 8888\r\n");

    assertClosedUnanswered(elsewhere, concat(header, get(elsewhere, "/elsewhere", "")));
    assertOk(send(listed, concat(header, get(listed, "/listed", ""))));

    assertThat(forwardedFor()).containsExactly("x-forwarded-for: 203.0.113.9");
    assertThat(heads).isEmpty();
  }
}
