package io.oscope.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.demo.StandInService;
import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CloudTwo's Glance validates a CloudOne user token through CloudTwo's proxy (its HTTP_PROXY);
 * the scope sends the call to CloudOne, whose proxy swaps CloudTwo's service token for its own.
 */
class TokenExchangeTest {
  private static final String SECRET = "a-secret-shared-by-the-peer-proxies";
  private static final String SCOPED_USER_TOKEN = FakeKeystone.USER_TOKEN + "!SCOPE!{\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}";
  private FakeKeystone keystoneOne;
  private StandInService keystoneTwo;
  private ScopeProxy one;
  private ScopeProxy two;

  @BeforeEach
  void start() throws Exception {
    keystoneOne = new FakeKeystone();
    keystoneTwo = StandInService.start("CloudTwo", "identity", new HostPort("127.0.0.1", 0));
    HostPort p1 = new HostPort("127.0.0.1", FreePorts.next());
    HostPort p2 = new HostPort("127.0.0.1", FreePorts.next());
    var entries = keystoneOne.routes(p1, keystoneTwo.address(), p2);
    one = ScopeProxy.start(RouteTable.compile("exchange", entries, "CloudOne"),
        ProxySettings.of("CloudOne", p1).toBuilder().peerTrust(new PeerTrust(SECRET, keystoneOne.account())).build());
    two = ScopeProxy.start(RouteTable.compile("exchange", entries, "CloudTwo"),
        ProxySettings.of("CloudTwo", p2).toBuilder().peerTrust(new PeerTrust(SECRET, null)).build());
  }

  @AfterEach
  void stop() {
    one.close();
    two.close();
    keystoneOne.close();
    keystoneTwo.close();
  }

  /** What CloudTwo's Glance sends: its own service token, the user's token as it received it. */
  private HttpResponse<String> validateFromCloudTwo() throws Exception {
    HttpClient glance = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", two.address().getPort()))).build();
    return glance.send(HttpRequest.newBuilder(URI.create("http://" + keystoneTwo.address() + "/v3/auth/tokens"))
            .header("X-Auth-Token", "cloudtwo-glance-token")
            .header("X-Subject-Token", SCOPED_USER_TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void cloudOnesProxyValidatesWithItsOwnServiceTokenCachedAcrossCalls() throws Exception {
    assertThat(validateFromCloudTwo().statusCode()).isEqualTo(200);
    assertThat(validateFromCloudTwo().statusCode()).isEqualTo(200);

    assertThat(keystoneOne.validationsSeenWith).containsExactly("svc-1", "svc-1");
    assertThat(keystoneOne.issued.get()).isEqualTo(1);
  }

  @Test
  void aRefusedServiceTokenIsRenewedOnceAndTheCallRetried() throws Exception {
    assertThat(validateFromCloudTwo().statusCode()).isEqualTo(200);
    keystoneOne.validServiceTokens.clear(); // Keystone restarted, or revoked the token

    assertThat(validateFromCloudTwo().statusCode()).isEqualTo(200);

    assertThat(keystoneOne.validationsSeenWith).containsExactly("svc-1", "svc-1", "svc-2");
    assertThat(keystoneOne.issued.get()).isEqualTo(2);
  }

  @Test
  void callsWithoutAValidPeerSignaturePassUntouched() throws Exception {
    HttpClient direct = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", one.address().getPort()))).build();
    for (String forged : new String[] {null, "CloudTwo:" + (System.currentTimeMillis() / 1000) + ":forged"}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + keystoneOne.address() + "/v3/auth/tokens"))
          .header("X-Auth-Token", "cloudtwo-glance-token")
          .header("X-Subject-Token", SCOPED_USER_TOKEN);
      if (forged != null) request.header(PeerSignature.HEADER, forged);

      assertThat(direct.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }
    assertThat(keystoneOne.validationsSeenWith).containsExactly("cloudtwo-glance-token", "cloudtwo-glance-token");
    assertThat(keystoneOne.issued.get()).isZero();
  }

}
