package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code routes generate --from-keystone} against a real HTTP server on port 0 playing Keystone v3. */
class RoutesFromKeystoneTest {
  @TempDir
  Path dir;

  private HttpServer keystone;
  private String authUrl;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private volatile String region = "CloudOne";

  @BeforeEach
  void start() throws Exception {
    keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    authUrl = "http://127.0.0.1:" + keystone.getAddress().getPort() + "/v3";
    keystone.createContext("/v3/auth/tokens", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String catalogue = """
            {"token": {"methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
              "user": {"domain": {"id": "default", "name": "Default"}, "id": "u1", "name": "admin"},
              "project": {"domain": {"id": "default", "name": "Default"}, "id": "p1", "name": "admin"},
              "catalog": [
                {"type": "identity", "id": "s1", "name": "keystone", "endpoints": [
                  {"id": "e1", "interface": "public", "region_id": "CloudOne", "region": "CloudOne", "url": "%s"}]},
                {"type": "image", "id": "s2", "name": "glance", "endpoints": [
                  {"id": "e2", "interface": "public", "region_id": "CloudOne", "region": "CloudOne", "url": "http://127.0.0.1:8881/image/"}]}]}}
            """.formatted(authUrl).replace("CloudOne", region);
        byte[] reply = (body.contains("\"secret\"") ? catalogue : "{\"error\": {\"code\": 401}}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Subject-Token", "token");
        exchange.sendResponseHeaders(body.contains("\"secret\"") ? 201 : 401, reply.length);
        try (OutputStream stream = exchange.getResponseBody()) {
          stream.write(reply);
        }
      }
    });
    keystone.start();
    Files.writeString(dir.resolve("clouds.json"), """
        {"clouds": {"CloudOne": {"frontend": "127.0.0.1:8881", "backends": {"image": "127.0.0.1:15292"}},
                    "CloudTwo": {"frontend": "127.0.0.1:8882", "endpoints": "two.json"}}}""");
    Files.writeString(dir.resolve("two.json"), RoutesCommandTest.CLOUD_TWO);
  }

  @AfterEach
  void stop() {
    keystone.stop(0);
  }

  private int run(Map<String, String> env, String... args) {
    CommandLine commandLine = new CommandLine(new RoutesCommand(env));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Map<String, String> env(String password) {
    return Map.of("OS_AUTH_URL", authUrl, "OS_USERNAME", "admin", "OS_PASSWORD", password,
        "OS_PROJECT_NAME", "admin", "OS_REGION_NAME", "CloudOne");
  }

  @Test
  void readsTheCloudsCatalogueLiveWithTheCredentialsOfTheEnvironment() {
    int code = run(env("secret"), "generate", "--clouds", dir.resolve("clouds.json").toString(), "--from-keystone", "-o", "-");

    assertThat(code).as(err.toString()).isEqualTo(0);
    assertThat(out.toString().lines().filter(line -> line.contains("CloudOne"))).containsExactly(
        "    {\"Service Type\": \"identity\", \"Interface\": \"public\", \"URL\": \"" + authUrl
            + "\", \"Region\": \"CloudOne\", \"Frontend\": \"127.0.0.1:8881\", \"Backend\": \"127.0.0.1:"
            + keystone.getAddress().getPort() + "\"},",
        "    {\"Service Type\": \"image\", \"Interface\": \"public\", \"URL\": \"http://127.0.0.1:8881/image\", \"Region\":"
            + " \"CloudOne\", \"Frontend\": \"127.0.0.1:8881\", \"Backend\": \"127.0.0.1:15292\"},");
    assertThat(out.toString()).contains("\"Region\": \"CloudTwo\"");
  }

  @Test
  void missingCredentialsAreBadInputAndARefusalAFailure() {
    String clouds = dir.resolve("clouds.json").toString();

    assertThat(run(Map.of("OS_REGION_NAME", "CloudOne"), "generate", "--clouds", clouds, "--from-keystone", authUrl, "-o", "-"))
        .isEqualTo(2);
    assertThat(err.toString()).isEqualTo(String.join("\n",
        "environment: \"OS_USERNAME\": is missing; source the cloud's openrc first",
        "environment: \"OS_PASSWORD\": is missing; source the cloud's openrc first",
        "environment: \"OS_PROJECT_NAME\": is missing; source the cloud's openrc first",
        "routes generate: 3 problems; nothing written", ""));

    err.getBuffer().setLength(0);
    assertThat(run(env("wrong"), "generate", "--clouds", clouds, "--from-keystone", "--cloud", "CloudOne", "-o", "-"))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("routes generate: cannot read the catalogue of " + authUrl + " as admin: ");
  }

  @Test
  void aKeystoneInRegionOneIsTheCatalogueOfTheCloudWhoseRegionItIs() throws Exception {
    region = "RegionOne";
    Path clouds = Files.writeString(dir.resolve("mapped.json"), """
        {"clouds": {"CloudOne": {"frontend": "127.0.0.1:8881", "region": "RegionOne",
                                 "backends": {"image": "127.0.0.1:15292"}},
                    "CloudTwo": {"frontend": "127.0.0.1:8882", "endpoints": "two.json"}}}""");
    Map<String, String> env = new java.util.HashMap<>(env("secret"));
    env.put("OS_REGION_NAME", "RegionOne");

    int code = run(env, "generate", "--clouds", clouds.toString(), "--from-keystone", "-o", "-");

    assertThat(code).as(err.toString()).isEqualTo(0);
    assertThat(out.toString().lines().filter(line -> line.contains("\"Region\": \"CloudOne\""))).hasSize(2);
    assertThat(out.toString()).doesNotContain("RegionOne");
  }

  @Test
  void aRegionOfTwoCloudsDoesNotSayWhichCloudKeystoneIs() throws Exception {
    Path clouds = Files.writeString(dir.resolve("shared.json"), """
        {"clouds": {"CloudOne": {"frontend": "127.0.0.1:8881", "region": "RegionOne"},
                    "CloudTwo": {"frontend": "127.0.0.1:8882", "region": "RegionOne", "endpoints": "two.json"}}}""");

    assertThat(run(Map.of("OS_REGION_NAME", "RegionOne"), "generate", "--clouds", clouds.toString(), "--from-keystone",
        authUrl, "-o", "-")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("--cloud: is missing, and OS_REGION_NAME RegionOne is the region of CloudOne"
        + " and CloudTwo in " + clouds + ": name the cloud whose catalogue --from-keystone reads\n"
        + "routes generate: 1 problem; nothing written\n");
  }

  @Test
  void theCloudMustBeNamed() {
    assertThat(run(Map.of(), "generate", "--clouds", dir.resolve("clouds.json").toString(), "--from-keystone", authUrl,
        "-o", "-")).isEqualTo(2);
    assertThat(err.toString()).startsWith(
        "--cloud: is missing: name the cloud whose catalogue --from-keystone reads (or set OS_REGION_NAME)\n");
  }
}
