package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oscope.proxy.ProxySettings;
import io.oscope.proxy.ScopeProxy;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteFile;
import io.oscope.routes.RouteTable;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code openstack} CLI with oscope's {@code --os-scope} plugin, through two oscope
 * proxies, to stand-in Keystones and Glances. Skipped where Debian's CLI or the plugin is not
 * installed ({@code scope-plugin/python/install.sh}; {@code .ci/run} does it).
 */
class OpenstackCliThroughProxyTest {
  private static final Path OPENSTACK = Path.of("/usr/bin/openstack");
  private static FakeOpenStack one;
  private static FakeOpenStack two;
  private static ScopeProxy proxyOne;
  private static ScopeProxy proxyTwo;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(OPENSTACK), "Debian's openstack CLI is not installed");
    assumeTrue(run("scope", "show").exit == 0,
        "the --os-scope plugin is not installed (sudo scope-plugin/python/install.sh; .ci/run does it)");
    one = new FakeOpenStack("CloudOne", "11111111-1111-1111-1111-111111111111");
    two = new FakeOpenStack("CloudTwo", "22222222-2222-2222-2222-222222222222");
    HostPort p1 = new HostPort("127.0.0.1", FreePorts.next());
    HostPort p2 = new HostPort("127.0.0.1", FreePorts.next());
    one.catalog("http://" + p1 + "/identity/v3", "http://" + p1 + "/image");
    two.catalog("http://" + p2 + "/keystone/v3", "http://" + p2 + "/glance");
    List<String> rows = new ArrayList<>();
    for (String iface : List.of("public", "internal", "admin")) {
      rows.add(row("identity", iface, p1 + "/identity/v3", "CloudOne", p1, one.address()));
      rows.add(row("image", iface, p1 + "/image", "CloudOne", p1, one.address()));
      rows.add(row("identity", iface, p2 + "/keystone/v3", "CloudTwo", p2, two.address()));
      rows.add(row("image", iface, p2 + "/glance", "CloudTwo", p2, two.address()));
    }
    byte[] routes = ("{\"services\": [" + String.join(",", rows) + "]}").getBytes(StandardCharsets.UTF_8);
    proxyOne = ScopeProxy.start(RouteTable.compile("cli", RouteFile.parse("cli", routes), "CloudOne"),
        ProxySettings.of("CloudOne", p1));
    proxyTwo = ScopeProxy.start(RouteTable.compile("cli", RouteFile.parse("cli", routes), "CloudTwo"),
        ProxySettings.of("CloudTwo", p2));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {proxyOne, proxyTwo, one, two}) {
      try {
        if (closeable != null) closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void forget() {
    one.received.clear();
    two.received.clear();
  }

  @Test
  void withoutScopeCloudOneAnswers() throws Exception {
    Result result = imageList();

    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output).contains(one.imageId).doesNotContain(two.imageId);
    assertThat(two.received).isEmpty();
  }

  @Test
  void theScopeSendsTheImageRequestsToCloudTwoAndTheTokenCarriesIt() throws Exception {
    Result result = imageList("--os-scope", "{\"image\": \"CloudTwo\"}");

    assertThat(result.exit).as(result.output).isZero();
    assertThat(result.output).contains(two.imageId).doesNotContain(one.imageId);
    FakeOpenStack.Received auth = one.received.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
    assertThat(auth.path()).isEqualTo("/identity/v3/auth/tokens");
    assertThat(auth.header("X-Scope")).contains("\"identity\":\"CloudOne\"").contains("\"image\":\"CloudTwo\"");
    FakeOpenStack.Received list = two.received.stream().filter(r -> r.path().endsWith("/v2/images")).findFirst().orElseThrow();
    assertThat(list.path()).isEqualTo("/glance/v2/images");
    assertThat(list.header("X-Auth-Token")).startsWith("tok-CloudOne!SCOPE!{").contains("\"image\":\"CloudTwo\"");
    assertThat(list.header("Via")).isEqualTo("1.1 oscope-CloudOne, 1.1 oscope-CloudTwo");
    assertThat(one.received).noneMatch(r -> r.path().startsWith("/image"));
  }

  @Test
  void aScopeNamingAnUnknownCloudFailsClearlyAndReachesNoService() throws Exception {
    Result result = imageList("--os-scope", "{\"image\": \"CloudThree\"}");

    assertThat(result.exit).isNotZero();
    assertThat(result.output).contains("unknown cloud 'CloudThree'");
    assertThat(two.received).isEmpty();
    assertThat(one.received).noneMatch(r -> r.path().startsWith("/image"));
  }

  private Result imageList(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--os-auth-url", "http://" + proxyOne.address().getAddress().getHostAddress() + ":"
            + proxyOne.address().getPort() + "/identity/v3",
        "--os-username", "demo", "--os-password", "pw", "--os-project-name", "demo",
        "--os-user-domain-name", "Default", "--os-project-domain-name", "Default",
        "--os-region-name", "CloudOne", "--os-identity-api-version", "3"));
    args.addAll(List.of(extra));
    args.addAll(List.of("image", "list", "-f", "value", "-c", "ID"));
    return run(args.toArray(String[]::new));
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OPENSTACK.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("OS_") || name.toLowerCase().endsWith("_proxy"));
    builder.environment().put("HOME", home.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
    System.out.println("openstack " + String.join(" ", args) + "\n" + output);
    return new Result(process.exitValue(), output);
  }

  private static String row(String type, String iface, String url, String cloud, HostPort frontend, HostPort backend) {
    return String.format("{\"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"http://%s\", \"Region\": \"%s\","
        + " \"Frontend\": \"%s\", \"Backend\": \"%s\"}", type, iface, url, cloud, frontend, backend);
  }

}
