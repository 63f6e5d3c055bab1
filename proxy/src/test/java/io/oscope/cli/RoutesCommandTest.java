package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RoutesCommandTest {
  /** As captured from a real Keystone (short form). */
  static final String CLOUD_ONE = list("CloudOne", "http://127.0.0.1:15000/v3", "http://127.0.0.1:15292");
  static final String CLOUD_TWO = list("CloudTwo", "http://127.0.0.1:25000/v3", "http://127.0.0.1:25292");
  static final String CLOUDS = """
      {"clouds": {"CloudOne": {"frontend": "127.0.0.1:8881", "endpoints": "one.json"},
                  "CloudTwo": {"frontend": "127.0.0.1:8882", "endpoints": "two.json"}}}
      """;
  static final String ROUTES = """
      {
        "services": [
          {"Service Type": "identity", "Interface": "public", "URL": "http://127.0.0.1:15000/v3", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15000"},
          {"Service Type": "identity", "Interface": "internal", "URL": "http://127.0.0.1:15000/v3", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15000"},
          {"Service Type": "identity", "Interface": "admin", "URL": "http://127.0.0.1:15000/v3", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15000"},
          {"Service Type": "image", "Interface": "public", "URL": "http://127.0.0.1:15292", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15292"},
          {"Service Type": "image", "Interface": "internal", "URL": "http://127.0.0.1:15292", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15292"},
          {"Service Type": "image", "Interface": "admin", "URL": "http://127.0.0.1:15292", "Region": "CloudOne", "Frontend": "127.0.0.1:8881", "Backend": "127.0.0.1:15292"},
          {"Service Type": "identity", "Interface": "public", "URL": "http://127.0.0.1:25000/v3", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25000"},
          {"Service Type": "identity", "Interface": "internal", "URL": "http://127.0.0.1:25000/v3", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25000"},
          {"Service Type": "identity", "Interface": "admin", "URL": "http://127.0.0.1:25000/v3", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25000"},
          {"Service Type": "image", "Interface": "public", "URL": "http://127.0.0.1:25292", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25292"},
          {"Service Type": "image", "Interface": "internal", "URL": "http://127.0.0.1:25292", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25292"},
          {"Service Type": "image", "Interface": "admin", "URL": "http://127.0.0.1:25292", "Region": "CloudTwo", "Frontend": "127.0.0.1:8882", "Backend": "127.0.0.1:25292"}
        ]
      }
      """;

  @TempDir
  Path dir;

  private StringWriter out;
  private StringWriter err;
  private Path clouds;

  @BeforeEach
  void writeInputs() throws Exception {
    clouds = Files.writeString(dir.resolve("clouds.json"), CLOUDS);
    Files.writeString(dir.resolve("one.json"), CLOUD_ONE);
    Files.writeString(dir.resolve("two.json"), CLOUD_TWO);
  }

  static String list(String region, String identity, String image) {
    StringBuilder rows = new StringBuilder("[\n");
    for (String type : new String[] {"identity", "image"}) {
      for (String iface : new String[] {"public", "internal", "admin"}) {
        rows.append(String.format("  {\"Region\": \"%s\", \"Service Type\": \"%s\", \"Interface\": \"%s\", \"URL\": \"%s\"},%n",
            region, type, iface, type.equals("identity") ? identity : image));
      }
    }
    return rows.substring(0, rows.lastIndexOf(",")) + "\n]\n";
  }

  int run(Map<String, String> env, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine commandLine = new CommandLine(new RoutesCommand(env));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  int run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void generatesTheRouteFileAndLeavesItAloneWhenNothingChanged() throws Exception {
    Path routes = dir.resolve("routes.json");

    assertThat(run("generate", "--clouds", clouds.toString(), "--output", routes.toString())).isEqualTo(0);
    assertThat(Files.readString(routes)).isEqualTo(ROUTES);
    assertThat(out.toString()).matches("wrote " + routes + ": 12 routes of 2 clouds, version [0-9a-f]{12}\n");
    assertThat(err.toString()).isEmpty();
    String version = out.toString().substring(out.toString().lastIndexOf(' ') + 1);

    assertThat(run("generate", "--clouds", clouds.toString(), "-o", routes.toString())).isEqualTo(0);
    assertThat(out.toString()).isEqualTo("unchanged " + routes + ": 12 routes of 2 clouds, version " + version);
  }

  @Test
  void writesToStandardOutputWithDash() {
    assertThat(run("generate", "--clouds", clouds.toString(), "-o", "-")).isEqualTo(0);

    assertThat(out.toString()).isEqualTo(ROUTES);
    assertThat(err.toString()).startsWith("route file: 12 routes of 2 clouds, version ");
  }

  @Test
  void anEndpointListGivenOnTheCommandLineReplacesTheCloudsFilesAndDisabledRowsAreNoticed() throws Exception {
    Path full = Files.writeString(dir.resolve("full.json"), CLOUD_TWO.replace("\"Region\"", "\"Enabled\": true, \"Region\"")
        .replaceFirst("\"Enabled\": true, (\"Region\": \"CloudTwo\", \"Service Type\": \"image\", \"Interface\": \"admin\")",
            "\"Enabled\": false, $1"));
    Files.delete(dir.resolve("two.json"));

    assertThat(run("generate", "--clouds", clouds.toString(), "--endpoints", "CloudTwo=" + full, "-o", "-")).isEqualTo(0);

    assertThat(out.toString()).isEqualTo(ROUTES.replaceFirst(
        ",\n    \\{\"Service Type\": \"image\", \"Interface\": \"admin\", \"URL\": \"http://127.0.0.1:25292\".*\\}", ""));
    assertThat(err.toString().lines()).first().isEqualTo(full + ": [5] \"Enabled\" = \"false\": skipped: the endpoint"
        + " is disabled (CloudTwo image admin http://127.0.0.1:25292)");
  }

  @Test
  void badInputPrintsEveryProblemOnALineExitsWith2AndWritesNothing() throws Exception {
    Files.writeString(dir.resolve("one.json"), CLOUD_ONE.replace("\"internal\"", "\"intern\"")
        .replace("CloudOne\", \"Service Type\": \"image\", \"Interface\": \"public\"", "Cloud One\", \"Service Type\": \"image\", \"Interface\": \"public\""));
    Path routes = dir.resolve("routes.json");

    assertThat(run("generate", "--clouds", clouds.toString(), "-o", routes.toString())).isEqualTo(2);

    Path one = dir.resolve("one.json");
    assertThat(err.toString()).isEqualTo(String.join("\n",
        one + ": [1] \"Interface\" = \"intern\": must be public, internal or admin",
        one + ": [4] \"Interface\" = \"intern\": must be public, internal or admin",
        one + ": [3] \"Region\" = \"Cloud One\": is the region of no cloud of " + clouds + " (its clouds: CloudOne,"
            + " CloudTwo); a cloud's region is its name unless its \"region\" says otherwise: add the cloud these"
            + " endpoints belong to, or set \"region\": \"Cloud One\" on it",
        "routes generate: 3 problems; nothing written", ""));
    assertThat(out.toString()).isEmpty();
    assertThat(routes).doesNotExist();
  }

  @Test
  void optionsNamingCloudsOutsideTheCloudsFileAreProblems() {
    assertThat(run("generate", "--clouds", clouds.toString(), "--endpoints", "CloudThree=x.json", "--cloud", "CloudTwo",
        "-o", "-")).isEqualTo(2);

    assertThat(err.toString()).isEqualTo(String.join("\n",
        "--endpoints: \"CloudThree\": is not a cloud of " + clouds + " (its clouds: CloudOne, CloudTwo)",
        "--cloud: \"CloudTwo\": only says which cloud --from-keystone reads",
        "routes generate: 2 problems; nothing written", ""));
  }

  @Test
  void aBadCloudsFileIsBadInputAndAnUnwritableOutputAFailure() throws Exception {
    Files.writeString(clouds, "{\"clouds\": {\"CloudOne\": {\"frontend\": \"127.0.0.1:0\"}}}");
    assertThat(run("generate", "--clouds", clouds.toString(), "-o", "-")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(clouds + ": clouds.CloudOne \"frontend\" = \"127.0.0.1:0\": port 0 is not in 1..65535\n"
        + "routes generate: 1 problem; nothing written\n");

    Files.writeString(clouds, CLOUDS);
    Path nowhere = dir.resolve("missing/routes.json");
    assertThat(run("generate", "--clouds", clouds.toString(), "-o", nowhere.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("routes generate: cannot write " + nowhere + ": java.nio.file.NoSuchFileException");
  }

  @Test
  void checkPrintsWhereEachCloudsServicesGo() throws Exception {
    Path routes = Files.writeString(dir.resolve("routes.json"), ROUTES);

    assertThat(run("check", routes.toString())).isEqualTo(0);

    assertThat(out.toString()).matches("(?s)" + java.util.regex.Pattern.quote(routes.toString())
        + ": version [0-9a-f]{12}, 2 clouds, 12 routes\n\n.*");
    assertThat(out.toString().lines().skip(2)).containsExactly(
        "CLOUD     SERVICE   INTERFACE  URL                        BACKEND          FRONTEND",
        "CloudOne  identity  public     http://127.0.0.1:15000/v3  127.0.0.1:15000  127.0.0.1:8881",
        "CloudOne  identity  internal   http://127.0.0.1:15000/v3  127.0.0.1:15000  127.0.0.1:8881",
        "CloudOne  identity  admin      http://127.0.0.1:15000/v3  127.0.0.1:15000  127.0.0.1:8881",
        "CloudOne  image     public     http://127.0.0.1:15292     127.0.0.1:15292  127.0.0.1:8881",
        "CloudOne  image     internal   http://127.0.0.1:15292     127.0.0.1:15292  127.0.0.1:8881",
        "CloudOne  image     admin      http://127.0.0.1:15292     127.0.0.1:15292  127.0.0.1:8881",
        "CloudTwo  identity  public     http://127.0.0.1:25000/v3  127.0.0.1:25000  127.0.0.1:8882",
        "CloudTwo  identity  internal   http://127.0.0.1:25000/v3  127.0.0.1:25000  127.0.0.1:8882",
        "CloudTwo  identity  admin      http://127.0.0.1:25000/v3  127.0.0.1:25000  127.0.0.1:8882",
        "CloudTwo  image     public     http://127.0.0.1:25292     127.0.0.1:25292  127.0.0.1:8882",
        "CloudTwo  image     internal   http://127.0.0.1:25292     127.0.0.1:25292  127.0.0.1:8882",
        "CloudTwo  image     admin      http://127.0.0.1:25292     127.0.0.1:25292  127.0.0.1:8882");
  }

  @Test
  void checkSpeaksJsonToMachines() throws Exception {
    Path routes = Files.writeString(dir.resolve("routes.json"), ROUTES);

    assertThat(run("check", "--format", "json", routes.toString())).isEqualTo(0);

    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.get("file").asText()).isEqualTo(routes.toString());
    assertThat(root.get("version").asText()).matches("[0-9a-f]{12}");
    assertThat(root.get("clouds").size()).isEqualTo(2);
    JsonNode two = root.at("/clouds/CloudTwo");
    assertThat(two.get("frontend").asText()).isEqualTo("127.0.0.1:8882");
    assertThat(two.get("identity").asText()).isEqualTo("http://127.0.0.1:25000/v3");
    assertThat(two.get("services").get(3).toString())
        .isEqualTo("{\"type\":\"image\",\"interface\":\"public\",\"url\":\"http://127.0.0.1:25292\",\"backend\":\"127.0.0.1:25292\"}");
  }

  @Test
  void checkReportsEachProblemOnceThoughEveryCloudCompilesTheFile() throws Exception {
    int last = ROUTES.lastIndexOf("\"Frontend\": \"127.0.0.1:8882\"");
    Path routes = Files.writeString(dir.resolve("routes.json"), (ROUTES.substring(0, last)
        + ROUTES.substring(last).replace("127.0.0.1:8882", "127.0.0.1:9999"))
        .replaceFirst("\"Backend\": \"127.0.0.1:15000\"}", "\"Backend\": \"127.0.0.1:8881\"}"));

    assertThat(run("check", routes.toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo(String.join("\n",
        routes + ": services[0] \"Backend\" = \"127.0.0.1:8881\": is this cloud's own proxy (its Frontend): requests would loop",
        routes + ": services[11] \"Frontend\" = \"127.0.0.1:9999\": cloud 'CloudTwo' already has frontend 127.0.0.1:8882;"
            + " a cloud's entries name the same proxies",
        "routes check: 2 problems; the file cannot be used", ""));
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void checkReportsTheProblemsOfFieldsAndThoseAcrossEntriesTogether() throws Exception {
    Path routes = Files.writeString(dir.resolve("routes.json"), """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888"},
          {"Service Type": "image", "Interface": "private", "URL": "h:8888/glance", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"}
        ]}""");

    assertThat(run("check", routes.toString())).isEqualTo(2);

    assertThat(err.toString()).isEqualTo(String.join("\n",
        routes + ": services[1] \"Interface\" = \"private\": must be public, internal or admin",
        routes + ": services[0] \"Backend\": is missing: 'CloudOne' is this proxy's own cloud",
        "routes check: 2 problems; the file cannot be used", ""));
  }

  @Test
  void checkOfAMissingFileIsBadInput() {
    Path missing = dir.resolve("none.json");

    assertThat(run("check", missing.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith(missing + ": cannot read: java.nio.file.NoSuchFileException");
  }

  @Test
  void helpAndMissingSubcommand() {
    assertThat(run("--help")).isEqualTo(0);
    assertThat(out.toString()).contains("generate  Generate a route file from the clouds' catalogues.",
        "check     Check a route file and show where each service goes.");

    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).startsWith("Missing required subcommand: generate or check");

    assertThat(run("generate", "--clouds", "c.json")).isEqualTo(2);
    assertThat(err.toString()).startsWith("Missing required option: '--output=FILE'");
  }
}
