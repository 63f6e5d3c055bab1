package io.oscope.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Active checks judge the address, never this host's own shortage. */
class HealthCheckerTest {

  @Test
  void aCheckThatFailsForWantOfFileDescriptorsLeavesTheAddressUp() throws Exception {
    // A child JVM with a low limit runs out of file descriptors for real; this one keeps its own.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$0\" -Xmx64m -cp \"$1\" " + OutOfFilesCheck.class.getName(),
        java, System.getProperty("java.class.path"))
        .redirectErrorStream(true).start();
    String output;
    try {
      output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    assertThat(child.exitValue()).as(output).isZero();
    List<String> lines = output.lines().toList();
    assertThat(lines).as(output).contains("warm=true", "upWhileExhausted=true", "downOnceClosed=true")
        .anyMatch(line -> line.startsWith("exhausted=") && line.contains("Too many open files"));
    assertThat(output).as("the check did fail, on this host").contains("failed on this host").contains("Too many open files");
    assertThat(lines).anyMatch(line -> line.startsWith("lastProblem=health check failed: ") && line.contains("refused"));
  }
}
