package io.oscope.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.oscope.routes.ConfigException;
import io.oscope.routes.Problem;
import io.oscope.routes.RouteTable;
import io.oscope.routes.RouteTables;
import io.oscope.routes.ServiceEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules for messy catalogues, each with the exact problem lines an operator sees. */
class RouteGeneratorTest {
  private static final String CLOUDS = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888'}, 'CloudTwo': {'frontend': '10.2.0.1:8888'}}}";
  private static final String ONE_IDENTITY = "{'Region': 'CloudOne', 'Service Type': 'identity', 'Interface': 'public', 'URL': 'http://10.1.0.5:5000/v3'}";
  private static final String TWO_IDENTITY = "{'Region': 'CloudTwo', 'Service Type': 'identity', 'Interface': 'public', 'URL': 'http://10.2.0.5:5000/v3'}";

  @Test
  void routesOnThePrefixBeforeAUrlTemplate() throws Exception {
    List<ServiceEntry> entries = generate(CLOUDS, list(ONE_IDENTITY,
        row("CloudOne", "compute_legacy", "public", "http://10.1.0.5:8888/compute/v2/$(project_id)s"),
        row("CloudOne", "volumev3", "public", "http://10.1.0.5:8776/v3/%(tenant_id)s"),
        row("CloudOne", "object-store", "public", "http://10.1.0.5:8080/v1/AUTH_{project_id}")), list(TWO_IDENTITY));

    assertThat(urls(entries, "CloudOne")).containsExactly(
        "compute_legacy public http://10.1.0.5:8888/compute/v2 -> 10.1.0.5:8888",
        "identity public http://10.1.0.5:5000/v3 -> 10.1.0.5:5000",
        "object-store public http://10.1.0.5:8080/v1 -> 10.1.0.5:8080",
        "volumev3 public http://10.1.0.5:8776/v3 -> 10.1.0.5:8776");
  }

  @Test
  void normalisesTrailingSlashesDefaultPortsAndCaseSoOneEndpointCountsOnce() throws Exception {
    List<ServiceEntry> entries = generate(CLOUDS, list(
        row("CloudOne", "identity", "public", "HTTP://Keystone.One/identity/"),
        row("CloudOne", "identity", "public", "http://keystone.one:80/identity"),
        row("CloudOne", "identity", "internal", "http://keystone.one/identity//"),
        row("CloudOne", "image", "public", "https://glance.one/"),
        row("CloudOne", "image", "admin", "https://glance.one:443")), list(TWO_IDENTITY));

    assertThat(urls(entries, "CloudOne")).containsExactly(
        "identity public http://keystone.one:80/identity -> keystone.one:80",
        "identity internal http://keystone.one:80/identity -> keystone.one:80",
        "image public https://glance.one:443 -> glance.one:443",
        "image admin https://glance.one:443 -> glance.one:443");
  }

  @Test
  void oneUrlUnderSeveralInterfacesIsNormal() throws Exception {
    List<ServiceEntry> entries = generate(CLOUDS, list(ONE_IDENTITY,
        row("CloudOne", "identity", "internal", "http://10.1.0.5:5000/v3"),
        row("CloudOne", "identity", "admin", "http://10.1.0.5:5000/v3")), list(TWO_IDENTITY));

    assertThat(entries).hasSize(4);
  }

  @Test
  void rejectsTwoServiceTypesAtOneUrlPrefix() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY,
        row("CloudOne", "image", "public", "http://10.1.0.5:9292"),
        row("CloudOne", "compute", "public", "http://10.1.0.5:9292/")), list(TWO_IDENTITY,
        row("CloudTwo", "network", "public", "http://10.1.0.5:9292")))).containsExactly(
        "one.json: [2] \"URL\" = \"http://10.1.0.5:9292/\": is also where CloudOne publishes service type 'image'"
            + " (one.json [1]); one URL prefix serves one service type",
        "two.json: [1] \"URL\" = \"http://10.1.0.5:9292\": is also where CloudOne publishes service type 'image'"
            + " (one.json [1]); one URL prefix serves one service type");
  }

  @Test
  void rejectsTwoUrlsForOneServiceAndInterfaceOfACloud() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY,
        row("CloudOne", "identity", "public", "http://10.1.0.6:5000/v3")), list(TWO_IDENTITY))).containsExactly(
        "one.json: [1] \"URL\" = \"http://10.1.0.6:5000/v3\": region CloudOne already lists identity (public) at"
            + " http://10.1.0.5:5000/v3 (one.json [0]); a cloud has one URL per service and interface");
  }

  @Test
  void rejectsAnInterfaceThatIsNotPublicInternalOrAdmin() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY,
        row("CloudOne", "image", "private", "http://10.1.0.5:9292")), list(TWO_IDENTITY))).containsExactly(
        "one.json: [1] \"Interface\" = \"private\": must be public, internal or admin");
  }

  @Test
  void rejectsARegionWithNoIdentityService() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY), list(row("CloudTwo", "image", "public", "http://10.2.0.5:9292"))))
        .containsExactly("clouds.json: clouds.CloudTwo: region CloudTwo has no identity service in two.json;"
            + " a scope's token is checked by the identity service of its cloud");
  }

  @Test
  void rejectsACloudNoListHasAnEndpointOf() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY))).containsExactly(
        "clouds.json: clouds.CloudTwo: no endpoint list has an enabled endpoint in region CloudTwo"
            + " (name the cloud's list in \"endpoints\")");
  }

  @Test
  void aRegionNeedNotBeAHeaderTokenWhenACloudMapsIt() throws Exception {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'region': 'Region One'},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888'}}}";

    assertThat(urls(generate(clouds, list(row("Region One", "identity", "public", "http://10.1.0.5:5000/v3")),
        list(TWO_IDENTITY)), "CloudOne")).containsExactly("identity public http://10.1.0.5:5000/v3 -> 10.1.0.5:5000");
  }

  @Test
  void rejectsARegionThatIsNotACloudsRegionOnceAList() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY, row("RegionOne", "image", "public", "http://10.1.0.5:9292"),
        row("RegionOne", "image", "internal", "http://10.1.0.5:9292")), list(TWO_IDENTITY))).containsExactly(
        "one.json: [1] \"Region\" = \"RegionOne\": is the region of no cloud of clouds.json (its clouds: CloudOne,"
            + " CloudTwo); a cloud's region is its name unless its \"region\" says otherwise: add the cloud these"
            + " endpoints belong to, or set \"region\": \"RegionOne\" on it (2 endpoints of the list are in region"
            + " RegionOne)");
  }

  @Test
  void twoCloudsInOneRegionEachTakeTheEndpointsOfTheirOwnCatalogue() throws Exception {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'region': 'RegionOne'},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888', 'region': 'RegionOne'}}}";
    String one = list(row("RegionOne", "identity", "public", "http://10.1.0.5:5000/v3"));
    String two = list(row("RegionOne", "identity", "public", "http://10.2.0.5:5000/v3"),
        row("RegionOne", "image", "public", "http://10.2.0.5:9292"));

    List<ServiceEntry> entries = owned(clouds, "CloudOne", one, "CloudTwo", two);

    assertThat(urls(entries, "CloudOne")).containsExactly("identity public http://10.1.0.5:5000/v3 -> 10.1.0.5:5000");
    assertThat(urls(entries, "CloudTwo")).containsExactly("identity public http://10.2.0.5:5000/v3 -> 10.2.0.5:5000",
        "image public http://10.2.0.5:9292 -> 10.2.0.5:9292");
  }

  @Test
  void aListOfNoCloudInARegionOfTwoCloudsBelongsToNeither() {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'region': 'RegionOne'},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888', 'region': 'RegionOne'}}}";

    assertThat(problems(clouds, list(row("RegionOne", "identity", "public", "http://10.1.0.5:5000/v3")))).containsExactly(
        "one.json: [0] \"Region\" = \"RegionOne\": is the region of CloudOne and CloudTwo, and this list is the"
            + " catalogue of neither, so nothing says whose endpoints these are: give each of them its own list, from"
            + " its own Keystone (\"endpoints\" in the clouds file, or --endpoints CLOUD=FILE)",
        "clouds.json: clouds.CloudOne: no endpoint list has an enabled endpoint in cloud CloudOne (region RegionOne)"
            + " (name the cloud's list in \"endpoints\")",
        "clouds.json: clouds.CloudTwo: no endpoint list has an enabled endpoint in cloud CloudTwo (region RegionOne)"
            + " (name the cloud's list in \"endpoints\")");
  }

  @Test
  void oneListGivenForTwoCloudsOfOneRegionIsAmbiguous() throws Exception {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'region': 'RegionOne'},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888', 'region': 'RegionOne'}}}";
    EndpointList shared = EndpointList.parse("shared.json", json(list(ONE_IDENTITY.replace("CloudOne", "RegionOne"))));
    CloudsFile file = CloudsFile.parse("clouds.json", json(clouds), Path.of(""));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> RouteGenerator.fromCatalogues(file,
        List.of(new Catalogue("CloudOne", shared), new Catalogue("CloudTwo", shared))));

    assertThat(e.problems()).extracting(Problem::toString).startsWith(
        "shared.json: [0] \"Region\" = \"RegionOne\": is the region of CloudOne and CloudTwo, and this one list is"
            + " the catalogue of both: one Keystone cannot tell two clouds apart in one region; give them distinct"
            + " regions in Keystone and in \"region\", or each cloud the list of its own Keystone");
  }

  @Test
  void aSharedKeystonesListGoesToTheCloudOfEachRegionWhoeverOwnsIt() throws Exception {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'region': 'RegionOne'},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888', 'region': 'RegionTwo'}}}";
    String shared = list(ONE_IDENTITY.replace("CloudOne", "RegionOne"), TWO_IDENTITY.replace("CloudTwo", "RegionTwo"));

    List<ServiceEntry> entries = owned(clouds, "CloudOne", shared, "CloudTwo", shared);

    assertThat(urls(entries, "CloudOne")).containsExactly("identity public http://10.1.0.5:5000/v3 -> 10.1.0.5:5000");
    assertThat(urls(entries, "CloudTwo")).containsExactly("identity public http://10.2.0.5:5000/v3 -> 10.2.0.5:5000");
  }

  @Test
  void aCatalogueThatPointsAtTheProxyNeedsTheBackendsInTheCloudsFile() throws Exception {
    String behindProxy = list(row("CloudOne", "identity", "public", "http://10.1.0.1:8888/identity/v3"),
        row("CloudOne", "image", "public", "10.1.0.1:8888/image"));

    assertThat(problems(CLOUDS, behindProxy, list(TWO_IDENTITY))).containsExactly(
        "one.json: [0] \"URL\" = \"http://10.1.0.1:8888/identity/v3\": points at the proxy of CloudOne (frontend"
            + " 10.1.0.1:8888): give the backend of 'identity' in clouds.json at clouds.CloudOne.backends",
        "one.json: [1] \"URL\" = \"10.1.0.1:8888/image\": points at the proxy of CloudOne (frontend"
            + " 10.1.0.1:8888): give the backend of 'identity' in clouds.json at clouds.CloudOne.backends"
            .replace("'identity'", "'image'"));

    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'backends': {'identity': '10.1.0.5:5000',"
        + " 'image': '10.1.0.5:9292'}}, 'CloudTwo': {'frontend': '10.2.0.1:8888'}}}";
    assertThat(urls(generate(clouds, behindProxy, list(TWO_IDENTITY)), "CloudOne")).containsExactly(
        "identity public http://10.1.0.1:8888/identity/v3 -> 10.1.0.5:5000",
        "image public http://10.1.0.1:8888/image -> 10.1.0.5:9292");
  }

  @Test
  void aCatalogueUrlAtAnotherCloudsProxyIsRejectedToo() {
    assertThat(problems(CLOUDS, list(ONE_IDENTITY, row("CloudOne", "image", "public", "http://10.2.0.1:8888/image")),
        list(TWO_IDENTITY))).containsExactly(
        "one.json: [1] \"URL\" = \"http://10.2.0.1:8888/image\": points at the proxy of CloudTwo (frontend"
            + " 10.2.0.1:8888): give the backend of 'image' in clouds.json at clouds.CloudOne.backends");
  }

  @Test
  void rejectsABackendForAServiceTheCloudDoesNotOffer() {
    String clouds = "{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888', 'backends': {'imgae': '10.1.0.5:9292'}},"
        + " 'CloudTwo': {'frontend': '10.2.0.1:8888'}}}";

    assertThat(problems(clouds, list(ONE_IDENTITY), list(TWO_IDENTITY))).containsExactly(
        "clouds.json: clouds.CloudOne.backends \"imgae\" = \"10.1.0.5:9292\": region CloudOne has no enabled"
            + " endpoint of service type 'imgae'");
  }

  @Test
  void anEndpointListedByTwoListsCountsOnce() throws Exception {
    String shared = list(ONE_IDENTITY, TWO_IDENTITY);

    assertThat(generate(CLOUDS, shared, shared)).hasSize(2);
  }

  @Test
  void reportsEveryProblemOfEveryListAtOnce() {
    assertThat(problems(CLOUDS,
        list(ONE_IDENTITY, "42", row("CloudOne", "image", "public", "ftp://10.1.0.5/x"),
            "{'Region': 'CloudOne', 'Service Type': '', 'Interface': 7}", row("CloudThree", "image", "public", "http://h:1")),
        "[{'Region': 'CloudTwo'")).containsExactly(
        "one.json: [1]: an endpoint must be a JSON object",
        "one.json: [2] \"URL\" = \"ftp://10.1.0.5/x\": scheme 'ftp' is not http or https",
        "one.json: [3] \"Service Type\" = \"\": is empty",
        "one.json: [3] \"Interface\" = \"7\": must be a string",
        "one.json: [3] \"URL\": is missing",
        "two.json: not valid JSON: Unexpected end-of-input: expected close marker for Object (opened at line 1,"
            + " column 2) at line 1, column 23",
        "one.json: [4] \"Region\" = \"CloudThree\": is the region of no cloud of clouds.json (its clouds: CloudOne,"
            + " CloudTwo); a cloud's region is its name unless its \"region\" says otherwise: add the cloud these"
            + " endpoints belong to, or set \"region\": \"CloudThree\" on it",
        "clouds.json: clouds.CloudTwo: no endpoint list has an enabled endpoint in region CloudTwo"
            + " (name the cloud's list in \"endpoints\")");
  }

  @Test
  void theEntriesCompileForEveryCloud() throws Exception {
    List<ServiceEntry> entries = generate(CLOUDS, list(ONE_IDENTITY), list(TWO_IDENTITY,
        row("CloudTwo", "image", "public", "http://10.2.0.5:9292")));

    RouteTable two = RouteTable.compile("t", entries, "CloudTwo");
    assertThat(two.match("10.1.0.5:5000", "/v3/auth/tokens").destinationIn("CloudOne").toString())
        .isEqualTo("Remote[cloud=CloudOne, frontend=10.1.0.1:8888, url=http://10.1.0.5:5000/v3]");
    assertThat(RouteTables.compileAll("t", entries)).containsOnlyKeys("CloudOne", "CloudTwo");
  }

  private int lists;

  static String row(String region, String type, String iface, String url) {
    return "{'Region': '" + region + "', 'Service Type': '" + type + "', 'Interface': '" + iface + "', 'URL': '" + url + "'}";
  }

  static String list(String... rows) {
    return "[" + String.join(", ", rows) + "]";
  }

  private List<ServiceEntry> generate(String clouds, String... lists) throws ConfigException {
    CloudsFile file = CloudsFile.parse("clouds.json", json(clouds), Path.of(""));
    List<EndpointList> parsed = new ArrayList<>();
    String[] names = {"one.json", "two.json", "three.json"};
    for (int i = 0; i < lists.length; i++) parsed.add(EndpointList.parse(names[i], json(lists[i])));
    return RouteGenerator.generate(file, parsed);
  }

  /** Entries of catalogues owned by clouds: cloud, list, cloud, list… (each list named after its cloud). */
  private List<ServiceEntry> owned(String clouds, String... cloudsAndLists) throws ConfigException {
    CloudsFile file = CloudsFile.parse("clouds.json", json(clouds), Path.of(""));
    List<Catalogue> catalogues = new ArrayList<>();
    for (int i = 0; i < cloudsAndLists.length; i += 2) {
      String cloud = cloudsAndLists[i];
      catalogues.add(new Catalogue(cloud, EndpointList.parse(cloud + ".json", json(cloudsAndLists[i + 1]))));
    }
    return RouteGenerator.fromCatalogues(file, catalogues);
  }

  private List<String> problems(String clouds, String... lists) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> generate(clouds, lists));
    assertThat(e).as("a ConfigException").isNotNull();
    return e.problems().stream().map(Problem::toString).toList();
  }

  private static List<String> urls(List<ServiceEntry> entries, String cloud) {
    return entries.stream().filter(e -> e.cloud().equals(cloud))
        .map(e -> e.serviceType() + " " + e.iface().label() + " " + e.url() + " -> " + e.backend()).toList();
  }

  static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }
}
