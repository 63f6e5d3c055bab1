package io.oscope.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What {@code oscope_build_info} says: the version and commit the build wrote into
 * {@code io/oscope/cli/build.properties} (what {@code oscope --version} prints), else the jar
 * manifest's {@code Implementation-Version}, else {@code unknown}; and the JVM's version.
 */
record BuildInfo(String version, String commit, String javaVersion) {
  static final String UNKNOWN = "unknown";

  static BuildInfo current() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/io/oscope/cli/build.properties")) {
      if (in != null) properties.load(in);
    } catch (IOException e) {
      // Unreadable: the manifest or "unknown" below.
    }
    String version = known(properties.getProperty("version"));
    if (version == null) version = known(BuildInfo.class.getPackage().getImplementationVersion());
    String commit = known(properties.getProperty("commit"));
    return new BuildInfo(version == null ? UNKNOWN : version, commit == null ? UNKNOWN : commit,
        System.getProperty("java.version", UNKNOWN));
  }

  /** Null for a missing value or one the build left unfiltered ({@code ${…}}). */
  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? null : value.strip();
  }
}
