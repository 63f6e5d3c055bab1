package io.oscope.tenant;

import io.oscope.token.JwsVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier of Keystone's JWS tokens, kept in step with Keystone's public key directory ({@code
 * jws_public_key_repository}, copied or mounted on the proxy): every file in it is a node's key, as
 * Keystone reads it. The directory is looked at again when a verifier is asked for and {@link
 * #CHECK_EVERY} has passed, and read again only when a file's name, size or time changed: a key
 * added for a new node or removed with an old one is in use within seconds, at the cost of a
 * directory listing every few seconds and no thread. A directory that no longer makes a verifier
 * (a half-copied key, no key) is logged and the previous keys stay in use.
 *
 * <p>Hidden names are skipped: a Kubernetes Secret volume holds {@code ..data} and timestamped
 * directories beside the links to the keys.
 */
public final class JwsKeyDirectory implements Supplier<JwsVerifier> {
  private static final Logger LOG = LoggerFactory.getLogger(JwsKeyDirectory.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);

  private final Path directory;
  private final Duration skew;
  private final InstantSource clock;
  private volatile Loaded loaded;

  private record Loaded(JwsVerifier verifier, List<String> fingerprint, Instant checkedAt) {}

  private JwsKeyDirectory(Path directory, Duration skew, InstantSource clock, Loaded loaded) {
    this.directory = directory;
    this.skew = skew;
    this.clock = clock;
    this.loaded = loaded;
  }

  /**
   * Reads the keys of {@code directory} now.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException naming every file that is not a P-256 public key, or when
   *     there is none
   */
  public static JwsKeyDirectory load(Path directory, Duration skew, InstantSource clock) throws IOException {
    List<String> fingerprint = fingerprintOf(directory);
    return new JwsKeyDirectory(directory, skew, clock,
        new Loaded(JwsVerifier.of(read(directory), skew), fingerprint, clock.instant()));
  }

  /** The verifier for the keys in the directory, read again if they changed. */
  @Override
  public JwsVerifier get() {
    Loaded current = loaded;
    Instant now = clock.instant();
    if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.verifier();
    synchronized (this) {
      current = loaded;
      if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.verifier();
      loaded = refreshed(current, now);
      return loaded.verifier();
    }
  }

  private Loaded refreshed(Loaded current, Instant now) {
    try {
      List<String> fingerprint = fingerprintOf(directory);
      if (fingerprint.equals(current.fingerprint())) return new Loaded(current.verifier(), fingerprint, now);
      JwsVerifier verifier = JwsVerifier.of(read(directory), skew);
      LOG.info("JWS public keys of {} reloaded: {} key(s)", directory, verifier.keyCount());
      return new Loaded(verifier, fingerprint, now);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("JWS public keys of {} not reloaded, the previous {} key(s) stay in use: {}", directory,
          current.verifier().keyCount(), e.getMessage());
      // Looked at again after the next interval, not on every token meanwhile.
      return new Loaded(current.verifier(), current.fingerprint(), now);
    }
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

  private static List<String> fingerprintOf(Path directory) throws IOException {
    List<String> fingerprint = new ArrayList<>();
    for (Path file : keyFiles(directory)) {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      fingerprint.add(file.getFileName() + ":" + attributes.size() + ":" + attributes.lastModifiedTime().toMillis()
          + ":" + file.toRealPath());
    }
    return fingerprint;
  }

  private static Map<String, String> read(Path directory) throws IOException {
    Map<String, String> pemByName = new TreeMap<>();
    for (Path file : keyFiles(directory)) {
      pemByName.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.US_ASCII));
    }
    return pemByName;
  }
}
