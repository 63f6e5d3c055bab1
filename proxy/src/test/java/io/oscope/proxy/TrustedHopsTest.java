package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TrustedHops}: which direct peers' forwarding headers are believed. */
class TrustedHopsTest {

  @Test
  void addressesAndBlocksOfBothFamilies() {
    TrustedHops hops = TrustedHops.parse(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1", "172.16.0.1/12"));
    assertThat(hops.trusts("10.255.0.1")).isTrue();
    assertThat(hops.trusts("11.0.0.1")).isFalse();
    assertThat(hops.trusts("192.0.2.7")).isTrue();
    assertThat(hops.trusts("192.0.2.8")).isFalse();
    assertThat(hops.trusts("172.31.255.255")).isTrue(); // the block's host bits are ignored
    assertThat(hops.trusts("172.32.0.0")).isFalse();
    // As InetAddress.getHostAddress writes a client's address.
    assertThat(hops.trusts("2001:db8:0:0:0:0:0:5")).isTrue();
    assertThat(hops.trusts("2001:db9:0:0:0:0:0:5")).isFalse();
    assertThat(hops.trusts("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(hops.trusts("not-an-address")).isFalse();
    assertThat(TrustedHops.parse(List.of("0.0.0.0/0")).trusts("203.0.113.9")).isTrue();
    assertThat(TrustedHops.none().trusts("127.0.0.1")).isFalse();
  }

  @Test
  void namesAndBadPrefixesAreRefusedByName() {
    for (String bad : List.of("proxy.example", "10.0.0.0/33", "::1/129", "10.0.0/8", "10.0.0.256", "10.0.0.1/", "1.2.3.4/x")) {
      assertThatThrownBy(() -> TrustedHops.parse(List.of("10.0.0.1", bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void theOtherCloudsProxiesAreTrustedWhenTheirFrontendIsAnAddress() throws Exception {
    String routes = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "10.0.1.1:9292", "Region": "CloudOne", "Frontend": "10.0.1.1:8888", "Backend": "127.0.0.1:19292"},
          {"Service Type": "image", "Interface": "public", "URL": "10.0.2.1:9292", "Region": "CloudTwo", "Frontend": "10.0.2.1:8888,[2001:db8::2]:8888"},
          {"Service Type": "image", "Interface": "public", "URL": "10.0.3.1:9292", "Region": "CloudThree", "Frontend": "proxy.three.example:8888"}
        ]}""";
    RouteTable table = RouteTable.compile("hops", RouteFile.parse("hops", routes.getBytes(StandardCharsets.UTF_8)), "CloudOne");
    TrustedHops hops = TrustedHops.parse(List.of("192.0.2.7")).withPeersOf(table);
    assertThat(hops.trusts("10.0.2.1")).isTrue();
    assertThat(hops.trusts("2001:db8:0:0:0:0:0:2")).isTrue();
    assertThat(hops.trusts("192.0.2.7")).isTrue();
    assertThat(hops.trusts("10.0.1.1")).isFalse(); // this cloud's own proxy is no peer
  }

  @Test
  void theClientIsTheFirstHopNotBelievedFromTheRight() {
    List<String> chain = List.of("192.0.2.1", " 203.0.113.5", "10.1.2.3 ");
    assertThat(TrustedHops.none().client("127.0.0.2", chain)).isEqualTo("127.0.0.2");
    assertThat(TrustedHops.none().withHopCount(1).client("127.0.0.2", chain)).isEqualTo("10.1.2.3");
    assertThat(TrustedHops.none().withHopCount(2).client("127.0.0.2", chain)).isEqualTo("203.0.113.5");
    assertThat(TrustedHops.parse(List.of("127.0.0.2", "10.0.0.0/8")).client("127.0.0.2", chain)).isEqualTo("203.0.113.5");
    // Counted hops and trusted addresses add up: one hop counted, then 10.1.2.3 by its address.
    assertThat(TrustedHops.parse(List.of("10.0.0.0/8")).withHopCount(1).client("127.0.0.2", chain)).isEqualTo("203.0.113.5");
    // Every hop believed: the leftmost entry is all there is.
    assertThat(TrustedHops.none().withHopCount(9).client("127.0.0.2", chain)).isEqualTo("192.0.2.1");
    // An address-trusted peer alone is not enough to walk further than the hop it added.
    assertThat(TrustedHops.parse(List.of("127.0.0.2")).client("127.0.0.2", chain)).isEqualTo("10.1.2.3");
  }

  @Test
  void entriesAreReadAsBalancersWriteThemAndAnythingElseStopsTheWalk() {
    TrustedHops two = TrustedHops.none().withHopCount(2);
    assertThat(two.client("10.0.0.1", List.of("[2001:db8::7]:4711", "10.0.0.2"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(two.client("10.0.0.1", List.of("2001:DB8::7", "10.0.0.2"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    assertThat(two.client("10.0.0.1", List.of("198.51.100.4:33000", "10.0.0.2"))).isEqualTo("198.51.100.4");
    // Not an address: the hop that wrote it, the last one known, is the client. Never a lookup.
    assertThat(two.client("10.0.0.1", List.of("unknown", "10.0.0.2"))).isEqualTo("10.0.0.2");
    assertThat(two.client("10.0.0.1", List.of("evil.example:80:1", "10.0.0.2"))).isEqualTo("10.0.0.2");
    assertThat(two.client("10.0.0.1", List.of("g::1", "10.0.0.2"))).isEqualTo("10.0.0.2");
    assertThat(TrustedHops.none().withHopCount(1).client("10.0.0.1", List.of("_hidden"))).isEqualTo("10.0.0.1");
  }

  @Test
  void aHopCountBelievesEveryPeerAndCannotBeNegative() {
    assertThat(TrustedHops.none().believes("192.0.2.99")).isFalse();
    assertThat(TrustedHops.none().withHopCount(1).believes("192.0.2.99")).isTrue();
    assertThat(TrustedHops.parse(List.of("10.0.0.0/8")).withHopCount(2)).hasToString("10.0.0.0/8, the last 2 hops");
    assertThatThrownBy(() -> TrustedHops.none().withHopCount(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
