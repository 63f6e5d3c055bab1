package io.oscope.tenant;

import io.oscope.token.JwsVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The verifier of Keystone's JWS tokens, kept in step with Keystone's public key directory ({@code
 * jws_public_key_repository}, copied or mounted on the proxy): every file in it is a node's key, as
 * Keystone reads it. A key added for a new node or removed with an old one is in use within seconds
 * ({@link FollowedOnDisk}); a directory that no longer makes a verifier (a half-copied key, no key)
 * is logged and the previous keys stay in use.
 *
 * <p>Hidden names are skipped: a Kubernetes Secret volume holds {@code ..data} and timestamped
 * directories beside the links to the keys.
 */
public final class JwsKeyDirectory implements Supplier<JwsVerifier> {
  static final Duration CHECK_EVERY = FollowedOnDisk.CHECK_EVERY;

  private final FollowedOnDisk<JwsVerifier> verifier;

  private JwsKeyDirectory(FollowedOnDisk<JwsVerifier> verifier) {
    this.verifier = verifier;
  }

  /**
   * Reads the keys of {@code directory} now.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException naming every file that is not a P-256 public key, or when
   *     there is none
   */
  public static JwsKeyDirectory load(Path directory, Duration skew, InstantSource clock) throws IOException {
    return new JwsKeyDirectory(new FollowedOnDisk<>("JWS public keys of " + directory, () -> fingerprintOf(directory),
        () -> JwsVerifier.of(read(directory), skew), clock));
  }

  /** The verifier for the keys in the directory, read again if they changed. */
  @Override
  public JwsVerifier get() {
    return verifier.get();
  }

  private static List<Path> keyFiles(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (!entry.getFileName().toString().startsWith(".") && Files.isRegularFile(entry)) files.add(entry);
      }
    }
    files.sort(null);
    return files;
  }

  private static String fingerprintOf(Path directory) throws IOException {
    StringBuilder fingerprint = new StringBuilder();
    for (Path file : keyFiles(directory)) {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      fingerprint.append(file.getFileName()).append(':').append(attributes.size()).append(':')
          .append(attributes.lastModifiedTime().toMillis()).append(':').append(file.toRealPath()).append('\n');
    }
    return fingerprint.toString();
  }

  private static Map<String, String> read(Path directory) throws IOException {
    Map<String, String> pemByName = new TreeMap<>();
    for (Path file : keyFiles(directory)) {
      pemByName.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.US_ASCII));
    }
    return pemByName;
  }
}
