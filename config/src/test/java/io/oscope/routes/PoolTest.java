package io.oscope.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PoolTest {

  @Test
  void parsesOneOrSeveralAddresses() {
    assertThat(Pool.parse("10.0.2.15:9292").addresses()).containsExactly(HostPort.parse("10.0.2.15:9292"));
    assertThat(Pool.parse("a:1, b:2").toString()).isEqualTo("a:1,b:2");
    assertThat(Pool.parse("a:1,b:2").overlaps(Pool.parse("c:3,b:2"))).isTrue();
    assertThat(Pool.parse("a:1").overlaps(Pool.parse("a:2"))).isFalse();
  }

  @Test
  void aPoolReachedOverTlsSaysSoOnEveryMember() {
    Pool pool = Pool.parse("https://a:1,https://b:2");

    assertThat(pool.tls()).isTrue();
    assertThat(pool.scheme()).isEqualTo("https");
    assertThat(pool.toString()).isEqualTo("https://a:1,https://b:2");
    assertThat(Pool.parse(pool.toString())).isEqualTo(pool);
    assertThat(Pool.parse("https://h").addresses()).containsExactly(HostPort.parse("h:443"));
    assertThatThrownBy(() -> Pool.parse("https://a:1,b:2")).hasMessage("a pool mixes http and https members");
  }

  @Test
  void refusesEmptyAndDuplicatePools() {
    assertThatThrownBy(() -> Pool.parse(" , ")).hasMessage("a pool needs an address");
    assertThatThrownBy(() -> Pool.parse("a:1,A:1")).hasMessage("an address is listed twice");
  }

  @Test
  void aRouteFileMayWritePoolsAsTextOrAsJsonLists() throws Exception {
    String good = """
        {"services": [{"Service Type": "image", "Interface": "public", "URL": "p:8888/image", "Region": "A",
          "Frontend": ["p:8888", "q:8888"], "Backend": "b1:9292,b2:9292"}]}""";

    ServiceEntry image = RouteFile.parse("pools.json", good.getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(image.frontend()).isEqualTo(Pool.parse("p:8888,q:8888"));
    assertThat(image.backend()).isEqualTo(Pool.parse("b1:9292,b2:9292"));
  }

  @Test
  void badPoolsAreReported() {
    String bad = """
        {"services": [{"Service Type": "volume", "Interface": "public", "URL": "p:8888/volume", "Region": "A",
          "Frontend": ["p:8888", 8888], "Backend": []}]}""";

    assertThatThrownBy(() -> RouteFile.parse("pools.json", bad.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
            .containsExactly(
                "pools.json: services[0] \"Frontend\" = \"[\"p:8888\",8888]\": must list addresses as strings",
                "pools.json: services[0] \"Backend\" = \"[]\": is empty"));
  }
}
