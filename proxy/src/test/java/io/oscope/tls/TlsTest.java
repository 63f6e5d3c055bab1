package io.oscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.ClientAuth;
import io.oscope.demo.StandInService;
import io.oscope.pool.Member;
import io.oscope.pool.PoolSettings;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.server.HttpServer;

/** HTTPS frontends, verified https upstreams, mutual TLS between proxies, certificate reload. */
class TlsTest {
  @TempDir static Path dir;
  private static TestCa ca;
  private static TestCa rogue;
  private static Path[] proxyOneCert;
  private static Path[] proxyTwoCert;
  private static Path[] backendCert;
  private static Path[] rogueCert;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    assumeTrue(TestCa.opensslAvailable(), "the openssl command is not installed (.ci/run installs it)");
    ca = TestCa.create(dir, "good");
    rogue = TestCa.create(dir, "rogue");
    proxyOneCert = ca.issue("proxy-one");
    proxyTwoCert = ca.issue("proxy-two");
    backendCert = ca.issue("backend");
    rogueCert = rogue.issue("backend");
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) closeable.close();
  }

  @Test
  void anHttpsFrontendServesClientsThatTrustItsCa() throws Exception {
    StandInService image = StandInService.start("One", "image", new HostPort("127.0.0.1", 0));
    open.add(image);
    ScopeProxy proxy = proxy("One", "One", "http", image.address(), new TlsSettings(proxyOneCert[0], proxyOneCert[1],
        null, null, false, null, null));

    HttpResponse<String> response = client(ca).send(get(proxy, "https"), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(response.body()).path("headers").path("x-forwarded-proto").asText()).isEqualTo("https");
    assertThatThrownBy(() -> client(rogue).send(get(proxy, "https"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void httpsUpstreamsAreVerifiedAgainstTheCaBundle() throws Exception {
    DisposableServer good = httpsBackend(backendCert, null);
    DisposableServer bad = httpsBackend(rogueCert, null);
    ScopeProxy trusting = proxy("One", "One", "https", new HostPort("127.0.0.1", good.port()),
        new TlsSettings(null, null, null, ca.cert, false, null, null));
    ScopeProxy fooled = proxy("One", "One", "https", new HostPort("127.0.0.1", bad.port()),
        new TlsSettings(null, null, null, ca.cert, false, null, null));
    ScopeProxy insecure = proxy("One", "One", "https", new HostPort("127.0.0.1", bad.port()),
        new TlsSettings(null, null, null, null, true, null, null));

    assertThat(plain().send(get(trusting, "http"), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("secret backend");
    HttpResponse<String> refused = plain().send(get(fooled, "http"), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(502);
    assertThat(refused.body()).contains("Upstream One image backend 127.0.0.1:" + bad.port() + " is unavailable");
    assertThat(plain().send(get(insecure, "http"), HttpResponse.BodyHandlers.ofString()).statusCode())
        .as("--upstream-insecure accepts any certificate").isEqualTo(200);
  }

  @Test
  void httpHealthChecksOfAnHttpsPoolGoOverVerifiedTls() throws Exception {
    DisposableServer good = httpsBackend(backendCert, null);
    DisposableServer bad = httpsBackend(rogueCert, null);
    PoolSettings checks = new PoolSettings(Duration.ofSeconds(30), Duration.ofSeconds(2), 1, 1, "/healthcheck", 399, 0, null);
    TlsSettings trustingCa = new TlsSettings(null, null, null, ca.cert, false, null, null);
    ScopeProxy checked = proxy("One", "One", "https", new HostPort("127.0.0.1", good.port()), trustingCa, checks);
    ScopeProxy fooled = proxy("One", "One", "https", new HostPort("127.0.0.1", bad.port()), trustingCa, checks);
    ScopeProxy insecure = proxy("One", "One", "https", new HostPort("127.0.0.1", bad.port()),
        new TlsSettings(null, null, null, null, true, null, null), checks);

    for (ScopeProxy proxy : List.of(checked, fooled, insecure)) proxy.firstHealthChecks().block(Duration.ofSeconds(10));

    Member member = checked.balancer().member(new HostPort("127.0.0.1", good.port()));
    assertThat(member.lastCheckPassed()).as("%s", member.lastProblem()).isTrue();
    Member rogue = fooled.balancer().member(new HostPort("127.0.0.1", bad.port()));
    assertThat(rogue.lastCheckPassed()).as("a certificate the CA did not sign fails the check").isFalse();
    Member accepted = insecure.balancer().member(new HostPort("127.0.0.1", bad.port()));
    assertThat(accepted.lastCheckPassed()).as("--upstream-insecure: %s", accepted.lastProblem()).isTrue();
  }

  @Test
  void peersTalkMutualTlsAndAProxyWithoutAClientCertificateIsRefused() throws Exception {
    StandInService twoImage = StandInService.start("Two", "image", new HostPort("127.0.0.1", 0));
    open.add(twoImage);
    HostPort p1 = new HostPort("127.0.0.1", FreePorts.next());
    HostPort p2 = new HostPort("127.0.0.1", FreePorts.next());
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "http://%1$s/image", "Region": "One", "Frontend": "%1$s", "Backend": "%3$s"},
          {"Service Type": "image", "Interface": "public", "URL": "https://%2$s/image", "Region": "Two", "Frontend": "https://%2$s", "Backend": "%3$s"}
        ]}""".formatted(p1, p2, twoImage.address());
    TlsSettings twoRequiresClientCerts = new TlsSettings(proxyTwoCert[0], proxyTwoCert[1], ca.cert, null, false, null, null);
    start(routes, "Two", p2, twoRequiresClientCerts);
    ScopeProxy withCert = start(routes, "One", p1, new TlsSettings(null, null, null, ca.cert, false, proxyOneCert[0], proxyOneCert[1]));

    HttpResponse<String> routed = plain().send(HttpRequest.newBuilder(URI.create("http://" + p1 + "/image/v2/images"))
        .header("X-Scope", "{\"image\": \"Two\"}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(routed.statusCode()).isEqualTo(200);
    assertThat(new ObjectMapper().readTree(routed.body()).path("cloud").asText()).isEqualTo("Two");

    withCert.close();
    open.remove(withCert);
    start(routes, "One", p1, new TlsSettings(null, null, null, ca.cert, false, null, null));
    HttpResponse<String> refused = plain().send(HttpRequest.newBuilder(URI.create("http://" + p1 + "/image/v2/images"))
        .header("X-Scope", "{\"image\": \"Two\"}").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(502);
  }

  @Test
  void aReloadedCertificateServesNewConnections() throws Exception {
    StandInService image = StandInService.start("One", "image", new HostPort("127.0.0.1", 0));
    open.add(image);
    Path cert = dir.resolve("live.crt");
    Path key = dir.resolve("live.key");
    Files.copy(proxyOneCert[0], cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(proxyOneCert[1], key, StandardCopyOption.REPLACE_EXISTING);
    ScopeProxy proxy = proxy("One", "One", "http", image.address(), new TlsSettings(cert, key, null, null, false, null, null));
    assertThat(servedCommonName(proxy)).isEqualTo("CN=proxy-one");

    Files.copy(proxyTwoCert[0], cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(proxyTwoCert[1], key, StandardCopyOption.REPLACE_EXISTING);
    proxy.reloadTls();

    assertThat(servedCommonName(proxy)).isEqualTo("CN=proxy-two");
  }

  private String servedCommonName(ScopeProxy proxy) throws Exception {
    HttpResponse<String> response = client(ca).send(get(proxy, "https"), HttpResponse.BodyHandlers.ofString());
    X509Certificate served = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    return served.getSubjectX500Principal().getName();
  }

  private ScopeProxy proxy(String cloud, String region, String backendScheme, HostPort backend, TlsSettings tls) throws Exception {
    return proxy(cloud, region, backendScheme, backend, tls, PoolSettings.defaults());
  }

  private ScopeProxy proxy(String cloud, String region, String backendScheme, HostPort backend, TlsSettings tls,
      PoolSettings pools) throws Exception {
    HostPort front = new HostPort("127.0.0.1", FreePorts.next());
    String backendText = backendScheme.equals("https") ? "https://" + backend : backend.toString();
    String routes = String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"%s/image\","
        + " \"Region\": \"%s\", \"Frontend\": \"%s\", \"Backend\": \"%s\"}]}", front, region, front, backendText);
    return start(routes, cloud, front, tls, pools);
  }

  private ScopeProxy start(String routes, String cloud, HostPort front, TlsSettings tls) throws Exception {
    return start(routes, cloud, front, tls, PoolSettings.defaults());
  }

  private ScopeProxy start(String routes, String cloud, HostPort front, TlsSettings tls, PoolSettings pools)
      throws Exception {
    RouteTable table = RouteTable.compile("tls", RouteFile.parse("tls", routes.getBytes(StandardCharsets.UTF_8)), cloud);
    ScopeProxy proxy = ScopeProxy.start(table, ProxySettings.of(cloud, front).toBuilder().tls(tls).pools(pools).build());
    open.add(proxy);
    return proxy;
  }

  private DisposableServer httpsBackend(Path[] certificate, Path clientCa) {
    DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
        .secure(spec -> spec.sslContext(Http11SslContextSpec.forServer(certificate[0].toFile(), certificate[1].toFile())
            .configure(builder -> {
              if (clientCa != null) builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            })))
        .handle((request, response) -> response.sendString(Mono.just("secret backend")))
        .bindNow();
    open.add(server::disposeNow);
    return server;
  }

  private static HttpRequest get(ScopeProxy proxy, String scheme) {
    return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + proxy.address().getPort() + "/image/v2/images")).build();
  }

  private static HttpClient plain() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  private static HttpClient client(TestCa trusted) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(trusted.cert)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context).build();
  }

}
