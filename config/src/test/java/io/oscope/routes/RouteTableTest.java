package io.oscope.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTableTest {
  private RouteTable cloudOne;

  @BeforeEach
  void load() throws Exception {
    cloudOne = RouteTable.load(resource("two-clouds.json"), "CloudOne");
  }

  @Test
  void findsTheServiceByAuthorityAndPath() {
    ServiceMatch match = cloudOne.match("192.168.141.245:8888", "/image/v2/images?limit=2");

    assertThat(match.serviceType()).isEqualTo("image");
    assertThat(match.remainder("/image/v2/images?limit=2")).isEqualTo("/v2/images?limit=2");
    assertThat(match.destinationIn("CloudOne")).isEqualTo(new Destination.Local(Pool.parse("10.0.2.15:80")));
  }

  @Test
  void longestPrefixWinsOnSegmentBoundaries() {
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v2.1/servers").serviceType()).isEqualTo("compute");
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v2/abc/servers").serviceType()).isEqualTo("compute_legacy");
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v2").serviceType()).isEqualTo("compute_legacy");
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v2?x=1").serviceType()).isEqualTo("compute_legacy");
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v22/servers")).isNull();
    assertThat(cloudOne.match("192.168.141.245:8888", "/images")).isNull();
    assertThat(cloudOne.match("192.168.141.245:8888", "/")).isNull();
  }

  @Test
  void localBackendsAreTheOwnCloudsByServiceType() {
    assertThat(cloudOne.localBackends()).containsExactly(
        Map.entry("compute", Set.of(HostPort.parse("10.0.2.15:8774"))),
        Map.entry("compute_legacy", Set.of(HostPort.parse("10.0.2.15:8775"))),
        Map.entry("identity", Set.of(HostPort.parse("10.0.2.15:80"))),
        Map.entry("image", Set.of(HostPort.parse("10.0.2.15:80"))));
  }

  @Test
  void aRootUrlMatchesEveryPathOfItsAuthority() {
    assertThat(cloudOne.match("192.168.142.245:9292", "/").serviceType()).isEqualTo("image");
    assertThat(cloudOne.match("192.168.142.245:9292", "/v2/images").serviceType()).isEqualTo("image");
  }

  @Test
  void normalisesTheAuthorityOfTheRequest() {
    assertThat(cloudOne.match("192.168.142.245:5000", "/v3/auth/tokens").serviceType()).isEqualTo("identity");
    assertThat(cloudOne.match("LOCALHOST", "/")).isNull();
    assertThat(cloudOne.match("not an authority", "/")).isNull();
  }

  @Test
  void translatesToTheOtherCloudsUrlForTheSameInterface() {
    ServiceMatch identity = cloudOne.match("192.168.141.245:8888", "/identity/v3/auth/tokens");

    // CloudOne publishes identity public and admin at one URL; public is preferred.
    assertThat(identity.iface()).isEqualTo(Interface.PUBLIC);
    Destination remote = identity.destinationIn("CloudTwo");
    assertThat(remote).isEqualTo(new Destination.Remote("CloudTwo", Pool.parse("192.168.142.245:8888"),
        ServiceUrl.parse("http://192.168.142.245:5000/v3")));
    assertThat(((Destination.Remote) remote).url().resolve(identity.remainder("/identity/v3/auth/tokens")))
        .isEqualTo("http://192.168.142.245:5000/v3/v3/auth/tokens");
  }

  @Test
  void aCloudWithoutTheServiceHasNoDestination() {
    assertThat(cloudOne.match("192.168.141.245:8888", "/compute/v2.1").destinationIn("CloudTwo")).isNull();
    assertThat(cloudOne.match("192.168.141.245:8888", "/image").destinationIn("CloudThree")).isNull();
  }

  @Test
  void knowsEveryCloudTheirIdentityAndTheAllowedDestinations() {
    assertThat(cloudOne.clouds()).containsExactly("CloudOne", "CloudTwo");
    assertThat(cloudOne.identityOf("CloudTwo").toString()).isEqualTo("https://192.168.142.245:35357/v3");
    assertThat(cloudOne.identityOf("CloudOne").toString()).isEqualTo("http://192.168.141.245:8888/identity");
    assertThat(cloudOne.serviceTypes()).containsExactly("compute", "compute_legacy", "identity", "image");
    assertThat(cloudOne.isDestination("10.0.2.15:8774")).isTrue();
    assertThat(cloudOne.isDestination("192.168.142.245:8888")).isTrue();
    assertThat(cloudOne.isDestination("10.0.2.15")).isTrue();
    assertThat(cloudOne.isDestination("10.9.9.9:80")).isFalse();
  }

  @Test
  void theVersionDependsOnContentNotOnLayout() throws Exception {
    RouteTable again = RouteTable.load(resource("two-clouds.json"), "CloudTwo");
    assertThat(again.version()).isEqualTo(cloudOne.version()).hasSize(12);
  }

  @Test
  void refusesCloudNamesWithTheOperatorsOfScopes() {
    for (String name : new String[] {"Cloud|Two", "Cloud&Two", "(CloudTwo)"}) {
      String json = """
          {"services": [
            {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "%s", "Frontend": "h:8888", "Backend": "b:80"}
          ]}""".formatted(name);
      char operator = name.replaceAll("[A-Za-z]", "").charAt(0);

      assertThatThrownBy(() -> RouteFile.parse("bad.json", json.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
              .containsExactly("bad.json: services[0] \"Region\" = \"" + name + "\": is not a valid cloud name: it may not"
                  + " contain '" + operator + "': &, |, ( and ) compose cloud expressions in scopes"));
    }
  }

  @Test
  void reportsEveryProblemOfTheFileAtOnce() {
    String json = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "ftp://h/image", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"},
          {"Service Type": "image", "Interface": "private", "URL": "h:8888/image", "Region": "Cloud One", "Frontend": "h:8888"},
          {"Service Type": "compute", "Interface": "public", "URL": "h:8888/x", "Region": "CloudOne", "Frontend": "h:99999", "Backend": "b:80"},
          {"Interface": "public", "URL": "h:8888/y", "Region": "CloudOne", "Frontend": "h:8888", "Backend": 80}
        ]}""";

    assertThatThrownBy(() -> RouteFile.parse("bad.json", json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
            .containsExactly(
                "bad.json: services[0] \"URL\" = \"ftp://h/image\": scheme 'ftp' is not http or https",
                "bad.json: services[1] \"Region\" = \"Cloud One\": is not a valid cloud name: it may only contain letters, digits and !#$%'*+-.^_`~",
                "bad.json: services[1] \"Interface\" = \"private\": must be public, internal or admin",
                "bad.json: services[2] \"Frontend\" = \"h:99999\": port 99999 is not in 1..65535",
                "bad.json: services[3] \"Service Type\": is missing",
                "bad.json: services[3] \"Backend\" = \"80\": must be a string"));
  }

  @Test
  void reportsEveryProblemOfTheTableAtOnce() throws Exception {
    String json = """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888"},
          {"Service Type": "volume", "Interface": "public", "URL": "h:8888/image/", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "h:8888"},
          {"Service Type": "image", "Interface": "public", "URL": "t:9292", "Region": "CloudTwo", "Frontend": "t:8888"},
          {"Service Type": "image", "Interface": "admin", "URL": "t:9292", "Region": "CloudTwo", "Frontend": "u:8888"}
        ]}""";
    List<ServiceEntry> entries = RouteFile.parse("t.json", json.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> RouteTable.compile("t.json", entries, "CloudOne"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
            .containsExactly(
                "t.json: services[0] \"Backend\": is missing: 'CloudOne' is this proxy's own cloud",
                "t.json: services[1] \"Backend\" = \"h:8888\": is this cloud's own proxy (its Frontend): requests would loop",
                "t.json: services[3] \"Frontend\" = \"u:8888\": cloud 'CloudTwo' already has frontend t:8888; a cloud's entries name the same proxies",
                "t.json: services[1] \"URL\" = \"http://h:8888/image\": is also where CloudOne publishes service type 'image' (services[0]); one URL prefix serves one service type"));
    assertThatThrownBy(() -> RouteTable.compile("t.json", entries.subList(2, 3), "CloudThree"))
        .hasMessageContaining("this proxy's cloud 'CloudThree' is not in the route file (its clouds: CloudTwo)");
  }

  @Test
  void loadingReportsTheProblemsOfEntriesAndThoseAcrossEntriesTogether(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("both.json");
    Files.writeString(file, """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888"},
          {"Service Type": "image", "Interface": "private", "URL": "h:8888/glance", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"},
          {"Service Type": "volume", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"},
          {"Service Type": "image", "Interface": "public", "URL": "t:9292", "Region": "CloudTwo", "Frontend": "t:99999"}
        ]}""");
    List<String> expected = List.of(
        file + ": services[1] \"Interface\" = \"private\": must be public, internal or admin",
        file + ": services[3] \"Frontend\" = \"t:99999\": port 99999 is not in 1..65535",
        file + ": services[0] \"Backend\": is missing: 'CloudOne' is this proxy's own cloud",
        file + ": services[2] \"URL\" = \"http://h:8888/image\": is also where CloudOne publishes service type"
            + " 'image' (services[0]); one URL prefix serves one service type");

    assertThatThrownBy(() -> RouteTable.load(file, "CloudOne"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(Problem::toString).containsExactlyElementsOf(expected));
    assertThatThrownBy(() -> RouteTables.load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(Problem::toString).containsExactlyElementsOf(expected));
  }

  @Test
  void aCloudNamedOnlyByBrokenEntriesIsNotReportedMissing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:0"},
          {"Service Type": "image", "Interface": "public", "URL": "t:9292", "Region": "CloudTwo", "Frontend": "t:8888"}
        ]}""");

    assertThatThrownBy(() -> RouteTable.load(file, "CloudOne"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::toString)
            .containsExactly(file + ": services[0] \"Backend\" = \"b:0\": port 0 is not in 1..65535"));
    assertThatThrownBy(() -> RouteTable.load(file, "CloudThree"))
        .hasMessageContaining("this proxy's cloud 'CloudThree' is not in the route file (its clouds: CloudOne, CloudTwo)");
  }

  @Test
  void upstreamsAreTheOwnBackendsAndTheOtherCloudsFrontendsWithTheirTls() throws Exception {
    String json = """
        {"services": [
          {"Service Type": "identity", "Interface": "public", "URL": "a:8888/identity", "Region": "CloudOne", "Frontend": "a:8888", "Backend": "https://b1:5000,https://b2:5000"},
          {"Service Type": "image", "Interface": "public", "URL": "a:8888/image", "Region": "CloudOne", "Frontend": "a:8888", "Backend": "b1:9292"},
          {"Service Type": "image", "Interface": "admin", "URL": "a:8888/image", "Region": "CloudOne", "Frontend": "a:8888", "Backend": "b1:9292"},
          {"Service Type": "identity", "Interface": "public", "URL": "t:5000", "Region": "CloudTwo", "Frontend": "https://t:8888", "Backend": "c:5000"},
          {"Service Type": "image", "Interface": "public", "URL": "u:9292", "Region": "CloudThree", "Frontend": "u:8888,v:8888", "Backend": "d:9292"}
        ]}""";
    List<ServiceEntry> entries = RouteFile.parse("u.json", json.getBytes(StandardCharsets.UTF_8));

    assertThat(RouteTable.compile("u.json", entries, "CloudOne").upstreams()).containsExactly(
        Map.entry(HostPort.parse("b1:5000"), true), Map.entry(HostPort.parse("b2:5000"), true),
        Map.entry(HostPort.parse("b1:9292"), false), Map.entry(HostPort.parse("t:8888"), true),
        Map.entry(HostPort.parse("u:8888"), false), Map.entry(HostPort.parse("v:8888"), false));
    assertThat(RouteTable.compile("u.json", entries, "CloudTwo").upstreams()).containsExactly(
        Map.entry(HostPort.parse("a:8888"), false), Map.entry(HostPort.parse("c:5000"), false),
        Map.entry(HostPort.parse("u:8888"), false), Map.entry(HostPort.parse("v:8888"), false));
  }

  @Test
  void rejectsFilesThatAreNotRouteFiles() {
    assertThatThrownBy(() -> RouteFile.parse("x.json", "[1, 2]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("x.json: expected an object with a \"services\" list");
    assertThatThrownBy(() -> RouteFile.parse("x.json", "{\"services\": [".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("x.json: not valid JSON");
    assertThatThrownBy(() -> RouteTable.load(Path.of("/nonexistent/services.json"), "CloudOne"))
        .hasMessageContaining("/nonexistent/services.json: cannot read");
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(RouteTableTest.class.getResource("/" + name).toURI());
  }
}
