package io.oscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code oscope --version} prints: the version and the git commit the build was made from,
 * as the build wrote them into {@code build.properties}.
 *
 * @param version the Maven version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the abbreviated commit, or {@code unknown} (built from a tarball with no .git)
 */
record BuildInfo(String version, String commit) {
  static final String UNKNOWN = "unknown";

  /** The build's own, from the class path. */
  static BuildInfo current() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(properties);
  }

  /** Missing or unfiltered values (a build that skipped a step) read as unknown, never as "${...}". */
  static BuildInfo of(Properties properties) {
    return new BuildInfo(
        known(properties.getProperty("version"), "(development build)"), known(properties.getProperty("commit"), UNKNOWN));
  }

  private static String known(String value, String otherwise) {
    return value == null || value.isBlank() || value.startsWith("${") ? otherwise : value.strip();
  }

  /** {@code oscope 0.1.0 (commit 92b6040)}, or {@code (commit unknown)}. */
  String line() {
    return "oscope " + version + " (commit " + commit + ")";
  }
}
