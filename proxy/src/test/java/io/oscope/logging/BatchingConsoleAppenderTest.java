package io.oscope.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {

  @Test
  void everyLineArrivesInOrderEvenPastAFullQueueAndAtExit() throws Exception {
    // The shipped configuration, in a JVM of its own: its shutdown hook must write what is queued.
    int count = 40_000; // more than the queue holds: the logging thread must wait, not drop
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-D" + ShippedConfiguration.FORCE_PROPERTY + "=shipped", "-cp", System.getProperty("java.class.path"),
        LogLines.class.getName(), Integer.toString(count)));
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    List<String> lines = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(line -> line.startsWith("line ")).toList();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(lines).hasSize(count);
    for (int i = 0; i < count; i += 997) assertThat(lines.get(i)).isEqualTo("line " + i);
    // Lines written straight by AccessLog (odd ones) are those of logback's encoder (even ones): the
    // message alone, which carries its own time.
    assertThat(lines).allMatch(line -> line.matches("line \\d+"));
    assertThat(lines.get(count - 1)).isEqualTo("line " + (count - 1));
  }
}
