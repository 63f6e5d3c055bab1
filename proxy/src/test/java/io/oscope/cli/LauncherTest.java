package io.oscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Wherever oscope is launched, a JVM out of memory exits for its supervisor to restart it. */
class LauncherTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

  /** The source tree's bin/oscope, and the installed one (release tarball, Debian package). */
  @ParameterizedTest
  @ValueSource(strings = {"bin/oscope", "packaging/release/bin/oscope"})
  void theLauncherExitsOnOutOfMemoryWhateverJavaOptsSay(String launcher, @TempDir Path dir) throws Exception {
    Path jar = jarOf(dir, SurvivesOutOfMemory.class);
    ProcessBuilder launch = new ProcessBuilder(ROOT.resolve(launcher).toString()).redirectErrorStream(true);
    launch.environment().put("OSCOPE_JAR", jar.toString());
    launch.environment().put("JAVA_OPTS", "-Xmx16m -Xms16m");
    launch.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    Process process = launch.start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }

    assertThat(output).doesNotContain("survived").contains("Terminating due to java.lang.OutOfMemoryError");
    assertThat(process.exitValue()).as(output).isEqualTo(3);
  }

  @Test
  void theSystemdUnitRunsTheInstalledLauncherAndTheBenchmarkPassesTheFlagToo() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("packaging/systemd/oscope.service")))
        .anyMatch(line -> line.startsWith("ExecStart=/usr/bin/oscope proxy "));
    // The benchmark starts every oscope by the launcher, as shipped, so with its flags.
    assertThat(Files.readString(ROOT.resolve("bench/run"))).contains("\"$root/bin/oscope\" \"$@\"");
  }

  /** A jar running {@code main}, made of its compiled class. */
  private static Path jarOf(Path dir, Class<?> main) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    Path jar = dir.resolve("survives.jar");
    String entry = main.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        var in = main.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
