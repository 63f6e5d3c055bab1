package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.build.BuildInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code oscope --version} names the version and the commit the build was made from. */
class VersionTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void printsTheVersionAndTheCommitOfThisCheckout() throws Exception {
    StringWriter out = new StringWriter();
    int status = Oscope.commandLine().setOut(new PrintWriter(out)).execute("--version");

    assertThat(status).isZero();
    assertThat(out.toString()).matches("oscope \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7}|unknown)\\)\\R");
    // Built in a git checkout (as here, and on CI): the commit is HEAD's; from a tarball: unknown.
    String expected = Files.exists(ROOT.resolve(".git")) ? head() : "unknown";
    assertThat(out.toString()).contains("(commit " + expected + ")");
  }

  @Test
  void aBuildThatWroteNoCommitSaysUnknownRatherThanAPlaceholder() {
    Properties unfiltered = new Properties();
    unfiltered.setProperty("version", "0.2.0");
    unfiltered.setProperty("commit", "${git.commit.id.abbrev}");

    assertThat(BuildInfo.of(unfiltered).line()).isEqualTo("oscope 0.2.0 (commit unknown)");
    assertThat(BuildInfo.of(new Properties()).line()).isEqualTo("oscope (development build) (commit unknown)");
  }

  private static String head() throws Exception {
    Process git = new ProcessBuilder("git", "-C", ROOT.toString(), "rev-parse", "--short=7", "HEAD").start();
    String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return head;
  }
}
