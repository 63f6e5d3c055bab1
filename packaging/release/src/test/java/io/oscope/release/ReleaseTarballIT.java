package io.oscope.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.cli.Oscope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The release tarball as {@code ./mvnw package} made it: its files, its docs, and its launcher run. */
class ReleaseTarballIT {
  private static final Path TARBALL = Path.of(System.getProperty("oscope.tarball"));
  private static final String TOP = System.getProperty("oscope.release") + "/";
  /** Every file, its mode and its bytes, by path below the top folder. */
  private static final Map<String, TarArchiveEntry> ENTRIES = new TreeMap<>();
  private static final Map<String, byte[]> CONTENTS = new TreeMap<>();

  @BeforeAll
  static void read() throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(TARBALL)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        assertThat(entry.getName()).startsWith(TOP);
        if (!entry.isDirectory()) {
          ENTRIES.put(entry.getName().substring(TOP.length()), entry);
          CONTENTS.put(entry.getName().substring(TOP.length()), tar.readAllBytes());
        }
      }
    }
  }

  @Test
  void holdsTheLauncherJarUnitSystemEntriesConfigurationAndDocs() {
    assertThat(ENTRIES.keySet()).containsExactly(
        "LICENSE",
        "NOTICE",
        "etc/oscope/oscope.env",
        "usr/bin/oscope",
        "usr/lib/oscope/oscope-cds",
        "usr/lib/oscope/oscope.jar",
        "usr/lib/systemd/system/oscope.service",
        "usr/lib/sysusers.d/oscope.conf",
        "usr/lib/tmpfiles.d/oscope.conf",
        "usr/share/bash-completion/completions/oscope",
        "usr/share/doc/oscope/LICENSE",
        "usr/share/doc/oscope/NOTICE",
        "usr/share/doc/oscope/examples/service-credentials.json.example",
        "usr/share/doc/oscope/examples/services.json.example",
        "usr/share/doc/oscope/licenses/HdrHistogram-BSD-2-Clause.txt",
        "usr/share/doc/oscope/licenses/slf4j-MIT.txt",
        "usr/share/man/man1/oscope.1");
    assertThat(ENTRIES.get("usr/bin/oscope").getMode() & 0777).isEqualTo(0755);
    assertThat(ENTRIES.get("usr/lib/oscope/oscope-cds").getMode() & 0777).isEqualTo(0755);
    assertThat(ENTRIES.get("usr/lib/systemd/system/oscope.service").getMode() & 0777).isEqualTo(0644);
    assertThat(text("usr/lib/systemd/system/oscope.service")).contains("ExecStart=/usr/bin/oscope proxy ");
    assertThat(text("usr/lib/sysusers.d/oscope.conf")).containsPattern("(?m)^u oscope - ");
  }

  @Test
  void theManPageAndTheCompletionCoverEveryCommandAndOption() {
    String man = text("usr/share/man/man1/oscope.1");
    String completion = text("usr/share/bash-completion/completions/oscope");
    assertThat(man).startsWith(".\\\" Generated").contains(".TH OSCOPE 1 ").contains(".SH SYNOPSIS").contains(".SH EXIT STATUS");
    List<CommandLine> commands = ManPage.commands(Oscope.commandLine());
    assertThat(commands).hasSizeGreaterThan(4);
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      if (command.getParent() != null) {
        assertThat(man).as(name).contains(".SS \"" + ManPage.escape(name) + "\"");
      }
      assertThat(completion).as(name).contains(command.getCommandName());
      for (var option : command.getCommandSpec().options()) {
        assertThat(man).as(name + " " + option.longestName()).contains("\\fB" + ManPage.escape(option.longestName()) + "\\fR");
      }
    }
    assertThat(man).doesNotContain("${").doesNotContain("%n");
    assertThat(completion).contains("complete -F _complete_oscope");
  }

  @Test
  void theNoticeNamesEveryArtifactTheJarBundles() throws IOException {
    String notice = text("NOTICE");
    List<String> missing = new ArrayList<>();
    try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(CONTENTS.get("usr/lib/oscope/oscope.jar")))) {
      for (JarEntry entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
        if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
          Properties pom = new Properties();
          pom.load(new ByteArrayInputStream(jar.readAllBytes()));
          String group = pom.getProperty("groupId");
          if (!group.equals("io.oscope") && !notice.contains(group + ":*") && !notice.contains(group + ":" + pom.getProperty("artifactId"))) {
            missing.add(group + ":" + pom.getProperty("artifactId"));
          }
        }
      }
    }
    assertThat(missing).as("bundled in oscope.jar but not in NOTICE (add them, with their licence)").isEmpty();
    assertThat(text("LICENSE")).contains("Apache License").contains("Version 2.0, January 2004");
  }

  @Test
  void theUnpackedLauncherRunsTheBundledJar(@TempDir Path dir) throws Exception {
    for (var file : CONTENTS.entrySet()) {
      Path path = dir.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.write(path, file.getValue());
    }
    dir.resolve("usr/bin/oscope").toFile().setExecutable(true);
    ProcessBuilder launch = new ProcessBuilder(dir.resolve("usr/bin/oscope").toString(), "--version").redirectErrorStream(true);
    launch.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = launch.start();
    String output;
    try (InputStream out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).matches("oscope " + TOP.substring("oscope-".length(), TOP.length() - 1).replace(".", "\\.")
        + " \\(commit ([0-9a-f]{7}|unknown)\\)\\R");
  }

  private static String text(String path) {
    assertThat(CONTENTS).containsKey(path);
    return new String(CONTENTS.get(path), StandardCharsets.UTF_8);
  }
}
