package io.oscope.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant policy of a file ({@code --tenant-policy}), kept in step with it: the file is looked
 * at again when the policy is asked for and {@link #CHECK_EVERY} has passed, and read again only
 * when its size, time or target (a ConfigMap's {@code ..data} swap) changed. A file that no longer
 * parses is rejected whole, every problem logged, and the previous policy stays in force.
 */
public final class TenantPolicyFile implements Supplier<TenantPolicy> {
  private static final Logger LOG = LoggerFactory.getLogger(TenantPolicyFile.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);

  private final Path file;
  private final InstantSource clock;
  private volatile Loaded loaded;

  private record Loaded(TenantPolicy policy, String fingerprint, Instant checkedAt) {}

  private TenantPolicyFile(Path file, InstantSource clock, Loaded loaded) {
    this.file = file;
    this.clock = clock;
    this.loaded = loaded;
  }

  /**
   * Reads the policy of {@code file} now.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException naming every problem of its content
   */
  public static TenantPolicyFile load(Path file, InstantSource clock) throws IOException {
    String fingerprint = fingerprintOf(file);
    return new TenantPolicyFile(file, clock,
        new Loaded(TenantPolicy.parse(file.toString(), Files.readAllBytes(file)), fingerprint, clock.instant()));
  }

  @Override
  public TenantPolicy get() {
    Loaded current = loaded;
    Instant now = clock.instant();
    if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.policy();
    synchronized (this) {
      current = loaded;
      if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.policy();
      loaded = refreshed(current, now);
      return loaded.policy();
    }
  }

  private Loaded refreshed(Loaded current, Instant now) {
    try {
      String fingerprint = fingerprintOf(file);
      if (fingerprint.equals(current.fingerprint())) return new Loaded(current.policy(), fingerprint, now);
      TenantPolicy policy = TenantPolicy.parse(file.toString(), Files.readAllBytes(file));
      LOG.info("tenant policy {} reloaded", file);
      return new Loaded(policy, fingerprint, now);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("tenant policy {} rejected, the previous one stays in force:\n{}", file, e.getMessage());
      return new Loaded(current.policy(), current.fingerprint(), now);
    }
  }

  private static String fingerprintOf(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return attributes.size() + ":" + attributes.lastModifiedTime().toMillis() + ":" + file.toRealPath();
  }
}
