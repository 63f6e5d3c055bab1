package io.oscope.catalog;

import static io.oscope.catalog.RouteGeneratorTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.oscope.routes.ConfigException;
import io.oscope.routes.HostPort;
import io.oscope.routes.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudsFileTest {
  @Test
  void resolvesEndpointListsAgainstTheCloudsFilesFolder(@TempDir Path temp) throws Exception {
    Path folder = Files.createDirectories(temp.resolve("site"));
    Files.writeString(folder.resolve("clouds.json"), """
        {"clouds": {"CloudTwo": {"frontend": "http://10.2.0.1:8888/", "endpoints": "lists/two.json"},
                    "CloudOne": {"frontend": "10.1.0.1", "endpoints": "/abs/one.json",
                                 "backends": {"image": "10.1.0.5:9292"}}}}""");

    CloudsFile clouds = CloudsFile.read(folder.resolve("clouds.json"));

    assertThat(clouds.clouds().keySet()).containsExactly("CloudOne", "CloudTwo");
    assertThat(clouds.clouds().get("CloudOne")).isEqualTo(new CloudsFile.Cloud("CloudOne", HostPort.parse("10.1.0.1:80"),
        Path.of("/abs/one.json"), Map.of("image", HostPort.parse("10.1.0.5:9292"))));
    assertThat(clouds.clouds().get("CloudTwo").endpoints()).isEqualTo(folder.resolve("lists/two.json"));
    assertThat(clouds.clouds().get("CloudTwo").frontend()).isEqualTo(HostPort.parse("10.2.0.1:8888"));
  }

  @Test
  void aCloudsRegionIsItsNameUnlessItsRegionSaysOtherwise() throws Exception {
    CloudsFile clouds = CloudsFile.parse("clouds.json", json("{'clouds': {'CloudOne': {'frontend': '10.1.0.1:8888',"
        + " 'region': 'RegionOne'}, 'CloudTwo': {'frontend': '10.2.0.1:8888', 'region': 'RegionOne'},"
        + " 'CloudThree': {'frontend': '10.3.0.1:8888'}}}"), Path.of(""));

    assertThat(clouds.clouds().get("CloudOne").region()).isEqualTo("RegionOne");
    assertThat(clouds.clouds().get("CloudThree").region()).isEqualTo("CloudThree");
    assertThat(clouds.inRegion("RegionOne")).extracting(CloudsFile.Cloud::name).containsExactly("CloudOne", "CloudTwo");
  }

  @Test
  void twoCloudsInOneRegionCannotShareOneEndpointList() {
    assertThat(problems("""
        {"clouds": {
          "CloudOne": {"frontend": "10.1.0.1:8888", "endpoints": "shared.json", "region": "RegionOne"},
          "CloudTwo": {"frontend": "10.2.0.1:8888", "endpoints": "./shared.json", "region": "RegionOne"},
          "CloudThree": {"frontend": "10.3.0.1:8888", "endpoints": "shared.json", "region": ""}}}""")).containsExactly(
        "clouds.json: clouds.CloudTwo \"region\" = \"RegionOne\": is also the region of CloudOne, whose endpoint list"
            + " is the same file (shared.json): one Keystone cannot tell two clouds apart in one region; give them"
            + " distinct regions in Keystone and in \"region\", or each cloud the list of its own Keystone",
        "clouds.json: clouds.CloudThree \"region\" = \"\": is empty");
  }

  @Test
  void refusesCloudNamesWithTheOperatorsOfScopes() {
    assertThat(problems("""
        {"clouds": {"Cloud|Two": {"frontend": "10.2.0.1:8888"}, "One&Two": {"frontend": "10.3.0.1:8888"}}}"""))
        .anyMatch(p -> p.startsWith("clouds.json: clouds \"Cloud|Two\": is not a valid cloud name: a scope names clouds"
            + " in an HTTP header and composes them with &, |, ( and )"))
        .anyMatch(p -> p.startsWith("clouds.json: clouds \"One&Two\": is not a valid cloud name"));
  }

  @Test
  void reportsEveryProblemNamingCloudFieldAndValue() {
    assertThat(problems("""
        {"clouds": {
          "Cloud One": {"frontend": "10.1.0.1:8888", "backend": {}},
          "CloudTwo": {"frontend": "10.1.0.1:8888", "endpoints": 3,
                       "backends": {"image": "10.2.0.5:0", "bad type": "10.2.0.6:1", "compute": "10.1.0.1:8888", "x": 1}},
          "CloudThree": {"endpoints": ""},
          "CloudFour": "10.4.0.1:8888",
          "CloudFive": {"frontend": "h/x"}},
         "services": []}""")).containsExactly(
        "clouds.json: \"services\": unknown field; expected only \"clouds\"",
        "clouds.json: clouds \"Cloud One\": is not a valid cloud name: a scope names clouds in an HTTP header"
            + " and composes them with &, |, ( and ), so it must be 1 to 64 letters, digits or !#$%'*+-.^_`~",
        "clouds.json: clouds.Cloud One \"backend\": unknown field; expected frontend, endpoints, region or backends",
        "clouds.json: clouds.CloudTwo \"endpoints\" = \"3\": must be a string",
        "clouds.json: clouds.CloudTwo.backends \"image\" = \"10.2.0.5:0\": port 0 is not in 1..65535",
        "clouds.json: clouds.CloudTwo.backends \"bad type\": is not a valid service type: it must be 1 to 64 letters,"
            + " digits or !#$%'*+-.^_`~",
        "clouds.json: clouds.CloudTwo.backends \"compute\" = \"10.1.0.1:8888\": is the frontend of CloudTwo: its"
            + " proxy would send requests to itself",
        "clouds.json: clouds.CloudTwo.backends \"x\" = \"1\": must be a host:port string",
        "clouds.json: clouds.CloudThree \"frontend\": is missing",
        "clouds.json: clouds.CloudThree \"endpoints\" = \"\": is empty",
        "clouds.json: clouds.CloudFour = \"10.4.0.1:8888\": must be an object with \"frontend\", and optionally"
            + " \"endpoints\", \"region\" and \"backends\"",
        "clouds.json: clouds.CloudFive \"frontend\" = \"h/x\": an address has no path");
  }

  @Test
  void twoCloudsCannotShareAProxy() {
    assertThat(problems("{\"clouds\": {\"A\": {\"frontend\": \"h:1\"}, \"B\": {\"frontend\": \"H:1\"}}}"))
        .containsExactly("clouds.json: clouds.B \"frontend\" = \"h:1\": is also the frontend of A; each cloud has its own proxy");
  }

  @Test
  void theFileMustNameClouds() {
    assertThat(problems("[]")).containsExactly("clouds.json: expected an object: {\"clouds\": {\"NAME\": "
        + "{\"frontend\": \"host:port\", \"endpoints\": \"FILE\", \"region\": \"REGION\", \"backends\": {\"TYPE\": \"host:port\"}}}}");
    assertThat(problems("{}")).containsExactly("clouds.json: \"clouds\": must be an object of clouds by name");
    assertThat(problems("{\"clouds\": {}}")).containsExactly("clouds.json: \"clouds\" = \"{}\": names no cloud");
    assertThat(problems("{\"clouds\": [1]}")).containsExactly("clouds.json: \"clouds\" = \"[1]\": must be an object of clouds by name");
  }

  @Test
  void anUnreadableFileIsAProblem(@TempDir Path temp) {
    Path missing = temp.resolve("clouds.json");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> CloudsFile.read(missing));

    assertThat(e.problems()).extracting(Problem::toString)
        .containsExactly(missing + ": cannot read: java.nio.file.NoSuchFileException: " + missing);
  }

  private static java.util.List<String> problems(String text) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> CloudsFile.parse("clouds.json", json(text.replace('\'', '"')), Path.of("")));
    assertThat(e).as("a ConfigException").isNotNull();
    return e.problems().stream().map(Problem::toString).toList();
  }
}
