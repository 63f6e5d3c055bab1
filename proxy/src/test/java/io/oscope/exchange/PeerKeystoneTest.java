package io.oscope.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.tenant.TenantState;
import io.oscope.testing.FreePorts;
import io.oscope.token.InvalidTokenException;
import io.oscope.token.TokenIdentity;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/**
 * CloudTwo's tenant layer asks CloudOne's Keystone, where it has no account, through CloudOne's
 * proxy: who a CloudOne token names, and the state of a CloudOne project. CloudOne's proxy puts
 * its own service token on the calls CloudTwo signed, and on no other.
 */
class PeerKeystoneTest {
  private static final String SECRET = "a-secret-shared-by-the-peer-proxies";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private FakeKeystone keystoneOne;
  private ScopeProxy one;
  private ScopeProxy two;
  private RouteTable tableOfTwo;

  @BeforeEach
  void start() throws Exception {
    keystoneOne = new FakeKeystone();
    HostPort p1 = new HostPort("127.0.0.1", FreePorts.next());
    HostPort p2 = new HostPort("127.0.0.1", FreePorts.next());
    // CloudTwo's Keystone is never called here: any address of the table's.
    var entries = keystoneOne.routes(p1, new HostPort("127.0.0.2", 5000), p2);
    one = ScopeProxy.start(RouteTable.compile("peers", entries, "CloudOne"),
        ProxySettings.of("CloudOne", p1).toBuilder().peerTrust(new PeerTrust(SECRET, keystoneOne.account())).build());
    tableOfTwo = RouteTable.compile("peers", entries, "CloudTwo");
    two = ScopeProxy.start(tableOfTwo, ProxySettings.of("CloudTwo", p2).toBuilder().peerTrust(new PeerTrust(SECRET, null)).build());
  }

  @AfterEach
  void stop() {
    one.close();
    two.close();
    keystoneOne.close();
  }

  private PeerKeystone cloudOneFromCloudTwo(String secret) {
    HttpClient client = HttpClient.create();
    return new PeerKeystone("CloudTwo", "CloudOne", PeerSignature.of(secret, Clock.systemUTC()), () -> tableOfTwo,
        client, () -> client);
  }

  @Test
  void aTokenOfThePeerCloudIsIntrospectedWithThePeersServiceAccount() {
    TokenIdentity who = new TokenIntrospection(cloudOneFromCloudTwo(SECRET), TIMEOUT)
        .introspect(FakeKeystone.USER_TOKEN).join();

    assertThat(who.userId()).isEqualTo("u1");
    assertThat(who.projectId()).isEqualTo("p1");
    assertThat(who.roles()).containsExactly("member");
    assertThat(keystoneOne.validationsSeenWith).containsExactly("svc-1");
  }

  @Test
  void anUnknownTokenIsInvalidNotUnavailable() {
    assertThatThrownBy(() -> new TokenIntrospection(cloudOneFromCloudTwo(SECRET), TIMEOUT).introspect("forged").join())
        .isInstanceOf(CompletionException.class).hasCauseInstanceOf(InvalidTokenException.class);
  }

  @Test
  void aProjectOfThePeerCloudIsReadWithThePeersServiceAccount() {
    TenantState state = new KeystoneProjects(cloudOneFromCloudTwo(SECRET), TIMEOUT).state("p1").join();

    assertThat(state.name()).isEqualTo("demo");
    assertThat(state.maintenance()).isEqualTo("migrating");
    assertThat(keystoneOne.projectReadsSeenWith).containsExactly("svc-1");
  }

  @Test
  void withAnotherSecretThePeerSwapsNothingAndKeystoneIsUnavailable() {
    PeerKeystone stranger = cloudOneFromCloudTwo("not-the-secret-the-peers-share-at-all");

    assertThatThrownBy(() -> new KeystoneProjects(stranger, TIMEOUT).state("p1").join())
        .hasMessageContaining("CloudOne's Keystone through its proxy answered 401");
    assertThatThrownBy(() -> new TokenIntrospection(stranger, TIMEOUT).introspect(FakeKeystone.USER_TOKEN).join())
        .hasMessageContaining("refused the service token (401)");
    assertThat(keystoneOne.projectReadsSeenWith).containsExactly("null"); // no token of ours, none of the peer's
    assertThat(keystoneOne.validationsSeenWith).containsExactly((String) null);
    assertThat(keystoneOne.issued.get()).isZero();
  }

  /** A client cannot have CloudTwo's proxy sign a project read for it: that would lend it CloudOne's service account. */
  @Test
  void aClientsProjectReadIsNeverSignedOnTheWay() throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", two.address().getPort()))).build();
    HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + keystoneOne.address() + "/v3/projects/p1"))
            .header("X-Auth-Token", "a-token-of-nobody!SCOPE!{\"identity\":\"CloudOne\"}").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(keystoneOne.projectReadsSeenWith).containsExactly("a-token-of-nobody");
    assertThat(keystoneOne.issued.get()).isZero();
  }
}
