package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
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
  void badOptionValuesExitWith2NamingTheOption() {
    assertThat(run("proxy", "--services", "x.json")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--cloud=NAME'");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--connect-timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration such as 500ms, 10s or 2m");

    assertThat(run("proxy", "--services", "x.json", "--cloud", "A", "--listen", "h:x")).isEqualTo(2);
    assertThat(err.toString()).contains("'h:x' is not HOST:PORT: port 'x' is not a number");
  }

  @Test
  void theTopCommandOffersEverySubcommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("proxy").contains("routes").contains("demo");
    assertThat(run("routes", "check", "/nonexistent/routes.json")).isEqualTo(2);
  }
}
