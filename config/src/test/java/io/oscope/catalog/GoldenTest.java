package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.oscope.routes.ConfigException;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteFile;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Route files generated from endpoint lists captured from real Keystones ({@code golden/}, the
 * short form), from a messier full-form catalogue ({@code messy/}) and from the same captures as
 * two devstacks would list them, both in {@code RegionOne} ({@code regionone/}, mapped by the
 * clouds file's {@code region}), compared byte for byte with the committed expected files.
 */
class GoldenTest {
  @TempDir
  Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"golden", "messy", "regionone"})
  void generatesTheExpectedFileByteForByte(String folder) throws Exception {
    byte[] generated = generate(folder);

    assertThat(new String(generated, StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(Resources.path("catalog/" + folder + "/routes.json")));
    assertThat(generate(folder)).isEqualTo(generated);
  }

  @ParameterizedTest
  @ValueSource(strings = {"golden", "messy", "regionone"})
  void theProxyReadsTheFileBackUnchangedAndEveryCloudCompilesIt(String folder) throws Exception {
    CloudsFile clouds = clouds(folder);
    List<ServiceEntry> entries = RouteGenerator.fromCatalogues(clouds, clouds.catalogues(Map.of()));
    Path file = temp.resolve("routes.json");
    RouteFileWriter.write(file, entries);

    List<ServiceEntry> read = RouteFile.read(file);
    assertThat(read).isEqualTo(entries);
    Map<String, RouteTable> tables = RouteTables.compileAll(file.toString(), read);
    assertThat(tables.keySet()).containsExactly("CloudOne", "CloudTwo");
    tables.values().forEach(table -> assertThat(table.identityOf(table.localCloud())).isNotNull());
  }

  @Test
  void theCapturedCataloguesRouteEachCloudsServicesToTheirOwnBackends() throws Exception {
    List<ServiceEntry> entries = RouteGenerator.generate(clouds("golden"), lists("golden"));
    RouteTable cloudOne = RouteTable.compile("golden", entries, "CloudOne");

    assertThat(cloudOne.match("127.0.0.1:15292", "/v2/images").destinationIn("CloudOne").toString())
        .isEqualTo("Local[backend=127.0.0.1:15292]");
    assertThat(cloudOne.match("127.0.0.1:15292", "/v2/images").destinationIn("CloudTwo").toString())
        .isEqualTo("Remote[cloud=CloudTwo, frontend=127.0.0.1:8882, url=http://127.0.0.1:25292]");
    assertThat(cloudOne.identityOf("CloudTwo").toString()).isEqualTo("http://127.0.0.1:25000/v3");
  }

  @Test
  void twoCloudsInRegionOneGiveTheRouteFileOfTwoCloudsNamedByRegion() throws Exception {
    assertThat(generate("regionone")).isEqualTo(generate("golden"));
  }

  @Test
  void twoCloudsInRegionOneWithoutTheMappingSayWhichRegionToSetWhere() throws Exception {
    Path folder = temp.resolve("unmapped");
    Files.createDirectories(folder);
    for (String cloud : List.of("CloudOne", "CloudTwo")) {
      String list = "endpoint-list-" + cloud + ".json";
      Files.copy(Resources.path("catalog/regionone/" + list), folder.resolve(list));
    }
    Files.writeString(folder.resolve("clouds.json"), Files.readString(Resources.path("catalog/golden/clouds.json")));
    CloudsFile clouds = CloudsFile.read(folder.resolve("clouds.json"));

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> RouteGenerator.fromCatalogues(clouds, clouds.catalogues(Map.of())));

    String one = folder.resolve("endpoint-list-CloudOne.json").toString();
    String two = folder.resolve("endpoint-list-CloudTwo.json").toString();
    String cloudsFile = folder.resolve("clouds.json").toString();
    assertThat(e.problems()).extracting(Problem::toString).containsExactly(
        one + ": [0] \"Region\" = \"RegionOne\": is the region of no cloud of " + cloudsFile + " (its clouds: CloudOne,"
            + " CloudTwo); a cloud's region is its name unless its \"region\" says otherwise: this list is CloudOne's"
            + " catalogue, so set \"region\": \"RegionOne\" at clouds.CloudOne; " + two + " also list region RegionOne:"
            + " clouds may share a region when each has its own list, from its own Keystone (6 endpoints of the"
            + " list are in region RegionOne)",
        two + ": [0] \"Region\" = \"RegionOne\": is the region of no cloud of " + cloudsFile + " (its clouds: CloudOne,"
            + " CloudTwo); a cloud's region is its name unless its \"region\" says otherwise: this list is CloudTwo's"
            + " catalogue, so set \"region\": \"RegionOne\" at clouds.CloudTwo; " + one + " also list region RegionOne:"
            + " clouds may share a region when each has its own list, from its own Keystone (6 endpoints of the"
            + " list are in region RegionOne)",
        cloudsFile + ": clouds.CloudOne: no endpoint list has an enabled endpoint in region CloudOne (name the cloud's"
            + " list in \"endpoints\")",
        cloudsFile + ": clouds.CloudTwo: no endpoint list has an enabled endpoint in region CloudTwo (name the cloud's"
            + " list in \"endpoints\")");
  }

  @Test
  void theMessyCatalogueSaysWhichDisabledEndpointItSkipped() throws Exception {
    List<Problem> skipped = lists("messy").stream().flatMap(list -> list.skipped().stream()).toList();

    assertThat(skipped).extracting(Problem::toString).containsExactly(
        Resources.path("catalog/messy/endpoint-list-CloudOne.json") + ": [3] \"Enabled\" = \"false\": skipped: the "
            + "endpoint is disabled (CloudOne image internal http://10.0.2.15:9292)");
  }

  private static byte[] generate(String folder) throws Exception {
    CloudsFile clouds = clouds(folder);
    return RouteFileWriter.format(RouteGenerator.fromCatalogues(clouds, clouds.catalogues(Map.of())));
  }

  private static CloudsFile clouds(String folder) throws Exception {
    return CloudsFile.read(Resources.path("catalog/" + folder + "/clouds.json"));
  }

  private static List<EndpointList> lists(String folder) throws Exception {
    return clouds(folder).catalogues(Map.of()).stream().map(Catalogue::list).toList();
  }
}
