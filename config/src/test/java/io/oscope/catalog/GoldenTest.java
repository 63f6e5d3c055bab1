package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;

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
 * short form) and from a messier full-form catalogue ({@code messy/}), compared byte for byte
 * with the committed expected files.
 */
class GoldenTest {
  @TempDir
  Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"golden", "messy"})
  void generatesTheExpectedFileByteForByte(String folder) throws Exception {
    byte[] generated = generate(folder);

    assertThat(new String(generated, StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(Resources.path("catalog/" + folder + "/routes.json")));
    assertThat(generate(folder)).isEqualTo(generated);
  }

  @ParameterizedTest
  @ValueSource(strings = {"golden", "messy"})
  void theProxyReadsTheFileBackUnchangedAndEveryCloudCompilesIt(String folder) throws Exception {
    List<ServiceEntry> entries = RouteGenerator.generate(clouds(folder), lists(folder));
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
  void theMessyCatalogueSaysWhichDisabledEndpointItSkipped() throws Exception {
    List<Problem> skipped = lists("messy").stream().flatMap(list -> list.skipped().stream()).toList();

    assertThat(skipped).extracting(Problem::toString).containsExactly(
        Resources.path("catalog/messy/endpoint-list-CloudOne.json") + ": [3] \"Enabled\" = \"false\": skipped: the "
            + "endpoint is disabled (CloudOne image internal http://10.0.2.15:9292)");
  }

  private static byte[] generate(String folder) throws Exception {
    return RouteFileWriter.format(RouteGenerator.generate(clouds(folder), lists(folder)));
  }

  private static CloudsFile clouds(String folder) throws Exception {
    return CloudsFile.read(Resources.path("catalog/" + folder + "/clouds.json"));
  }

  private static List<EndpointList> lists(String folder) throws Exception {
    return clouds(folder).endpointLists(Map.of());
  }
}
