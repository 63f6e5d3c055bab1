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
}
