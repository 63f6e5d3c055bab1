package io.oscope.chart;

import static io.oscope.chart.ChartTest.args;
import static io.oscope.chart.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.catalog.CloudsFile;
import io.oscope.catalog.EndpointList;
import io.oscope.catalog.RouteGenerator;
import io.oscope.routes.RouteTable;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the chart hands the proxy is what the proxy accepts: its own loaders read the route file of
 * the ConfigMap, and the generator turns the clouds file and peer lists of the keystone mode into
 * the same routes.
 */
class RouteFilesTest {
  @Test
  void theConfigMapHoldsARouteFileTheProxyLoads(@TempDir Path dir) throws Exception {
    Path file = routeFile(Rendered.render("defaults-routes", command -> command), dir);
    RouteTable table = RouteTable.load(file, "CloudOne");
    assertThat(table.clouds()).containsExactlyInAnyOrder("CloudOne", "CloudTwo");
    assertThat(table.localBackends()).containsOnlyKeys("identity", "image");
    assertThat(table.localBackends().get("image").toString())
        .isEqualTo("[glance-api.openstack.svc.cluster.local:9292]");
  }

  @Test
  void anOverrideIsTheRouteFileVerbatim(@TempDir Path dir) throws Exception {
    String override = Files.readString(Path.of("..", "services.json.example"));
    Path file = routeFile(Rendered.render("override", command -> command.setFile("conf.routes.override",
        Path.of("..", "services.json.example").toAbsolutePath())), dir);
    assertThat(Files.readString(file).strip()).isEqualTo(override.strip());
    assertThat(RouteTable.load(file, "CloudOne").localBackends()).containsKey("image");
  }

  @Test
  void keystoneModeGeneratesTheSameRoutesInAnInitContainer(@TempDir Path dir) throws Exception {
    Rendered rendered = Rendered.render("routes-generate", command -> command
        .set("conf.routes.source", "keystone").set("secrets.service_credentials.password", "pw")
        .set("secrets.peer_secret", "0123456789abcdef0123456789abcdef"));
    assertThat(rendered.all("ConfigMap")).hasSize(1);
    Map<String, Object> init = at(rendered.one("Deployment"), "spec.template.spec.initContainers.0");
    assertThat(args(init)).containsExactly("routes", "generate", "--clouds=/etc/oscope-generate/clouds.json",
        "--from-keystone", "--cloud=CloudOne", "--output=/etc/oscope/services.json");
    assertThat((String) at(init, "envFrom.0.secretRef.name")).isEqualTo("oscope-keystone");
    Map<String, Object> env = at(rendered.all("Secret").stream()
        .filter(secret -> "oscope-keystone".equals(at(secret, "metadata.name"))).findFirst().orElseThrow(), "data");
    assertThat(env).containsKeys("OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_REGION_NAME");
    assertThat((Map<String, Object>) at(rendered.one("Deployment"), "spec.template.spec.volumes.0"))
        .containsKey("emptyDir");

    // The generator, given this cloud's catalogue as Keystone would list it, writes the routes
    // that the values mode puts in its ConfigMap.
    Map<String, Object> data = at(rendered.one("ConfigMap"), "data");
    for (Map.Entry<String, Object> file : data.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), (String) file.getValue());
    }
    Path valuesMode = routeFile(Rendered.render("defaults-routes", command -> command), Files.createDirectory(dir.resolve("v")));
    EndpointList local = EndpointList.parse("CloudOne's Keystone", catalogue(valuesMode, "CloudOne"));
    CloudsFile clouds = CloudsFile.read(dir.resolve("clouds.json"));
    List<ServiceEntry> entries = RouteGenerator.fromCatalogues(clouds, clouds.catalogues(Map.of("CloudOne", local)));
    Map<String, RouteTable> generated = RouteTables.compileAll("generated", entries);
    assertThat(generated.get("CloudOne").localBackends()).isEqualTo(RouteTable.load(valuesMode, "CloudOne").localBackends());
    assertThat(generated.get("CloudOne").entries()).hasSameSizeAs(RouteTable.load(valuesMode, "CloudOne").entries());
  }

  private static Path routeFile(Rendered rendered, Path dir) throws Exception {
    Path file = dir.resolve("services.json");
    Map<String, Object> data = at(rendered.one("ConfigMap"), "data");
    Files.writeString(file, (String) data.get("services.json"));
    return file;
  }

  /** The rows of {@code cloud} in a route file, as {@code openstack endpoint list -f json} prints them. */
  private static byte[] catalogue(Path routeFile, String cloud) throws Exception {
    String rows = RouteTable.load(routeFile, cloud).entries().stream().filter(entry -> entry.cloud().equals(cloud))
        .map(entry -> String.format("{\"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"%s\", \"Region\": \"%s\"}",
            entry.serviceType(), entry.iface().label(), entry.url(), cloud))
        .reduce((a, b) -> a + ",\n" + b).orElseThrow();
    return ("[" + rows + "]").getBytes(StandardCharsets.UTF_8);
  }
}
