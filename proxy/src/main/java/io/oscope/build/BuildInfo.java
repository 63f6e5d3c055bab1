package io.oscope.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and the git commit this build was made from, as the build wrote them into {@code
 * build.properties}: what {@code oscope --version} prints and {@code oscope_build_info} says.
 *
 * @param version the Maven version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}
 * @param commit the abbreviated commit, or {@code unknown} (built from a tarball with no .git)
 */
public record BuildInfo(String version, String commit) {
  public static final String UNKNOWN = "unknown";

  /** The build's own, from the class path. */
  public static BuildInfo current() {
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
  public static BuildInfo of(Properties properties) {
    return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
  }

  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.strip();
  }

  /** {@code oscope 0.1.0 (commit 92b6040)}; {@code oscope (development build) (commit unknown)} for a build that recorded neither. */
  public String line() {
    return "oscope " + (version.equals(UNKNOWN) ? "(development build)" : version) + " (commit " + commit + ")";
  }
}
