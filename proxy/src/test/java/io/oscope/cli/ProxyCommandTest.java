package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.testing.FreePorts;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProxyCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Oscope.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void aBadRouteFileExitsWith2ListingEveryProblem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("services.json");
    Files.writeString(file, """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888"},
          {"Service Type": "image", "Interface": "private", "URL": "h:8888/glance", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"}
        ]}""");

    int code = run("proxy", "--services", file.toString(), "--cloud", "CloudOne", "--listen", "127.0.0.1:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("the route file cannot be used: 2 problems")
        .contains(file + ": services[1] \"Interface\" = \"private\": must be public, internal or admin")
        .contains(file + ": services[0] \"Backend\": is missing: 'CloudOne' is this proxy's own cloud");
  }

  @Test
  void aCloudMissingFromTheFileExitsWith2(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("services.json");
    Files.writeString(file, """
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "h:8888/image", "Region": "CloudOne", "Frontend": "h:8888", "Backend": "b:80"}
        ]}""");

    assertThat(run("proxy", "--services", file.toString(), "--cloud", "CloudTwo")).isEqualTo(2);
    assertThat(err.toString()).contains("this proxy's cloud 'CloudTwo' is not in the route file (its clouds: CloudOne)");
  }

  @Test
  void anAdminListenerBeyondLoopbackWithoutATokenExitsWith2BeforeTheMainPortIsTaken(@TempDir Path dir)
      throws Exception {
    int port = FreePorts.next();
    Path file = dir.resolve("services.json");
    Files.writeString(file, String.format("""
        {"services": [
          {"Service Type": "image", "Interface": "public", "URL": "127.0.0.1:%1$d/image", "Region": "CloudOne",
           "Frontend": "127.0.0.1:%1$d", "Backend": "127.0.0.1:9"}
        ]}""", port));

    int code = run("proxy", "--services", file.toString(), "--cloud", "CloudOne", "--listen", "127.0.0.1:" + port,
        "--admin", "0.0.0.0:0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("the admin listener 0.0.0.0:0 is reachable beyond loopback:"
        + " protect it with --admin-token-file");
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", port)); // throws if the proxy had bound it
    }
  }

  @Test
  void theAdminListenerDefaultsToAFixedLoopbackPort() {
    assertThat(run("proxy", "--help")).isZero();
    assertThat(out.toString()).contains("(default: 127.0.0.1:8889)");
  }

  @Test
  void badOptionValuesExitWith2NamingTheOption() {
    assertThat(run("proxy", "--services", "x.json")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--cloud=NAME'");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--connect-timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration such as 500ms, 10s or 2m");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--listen", "h:x")).isEqualTo(2);
    assertThat(err.toString()).contains("'h:x' is not HOST:PORT: port 'x' is not a number");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--retry-budget", "120%")).isEqualTo(2);
    assertThat(err.toString()).contains("'120%' is not a percentage from 0 to 100 such as 20%");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--tracing", "--otlp-endpoint", "collector:4318"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'collector:4318' is not an http or https URL with a host, such as http://collector:4318");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--otlp-endpoint", "http://collector:4318")).isEqualTo(2);
    assertThat(err.toString()).contains("--otlp-endpoint needs --tracing");
  }

  @Test
  void theTopCommandOffersEverySubcommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("proxy").contains("routes").contains("demo");
    assertThat(run("routes", "check", "/nonexistent/routes.json")).isEqualTo(2);
  }
}
