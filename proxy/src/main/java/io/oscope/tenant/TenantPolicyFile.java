package io.oscope.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The tenant policy of a file ({@code --tenant-policy}), kept in step with it ({@link
 * FollowedOnDisk}): a change is in force within seconds; a file that no longer parses is rejected
 * whole, every problem logged, and the previous policy stays in force.
 */
public final class TenantPolicyFile implements Supplier<TenantPolicy> {
  static final Duration CHECK_EVERY = FollowedOnDisk.CHECK_EVERY;

  private final FollowedOnDisk<TenantPolicy> policy;

  private TenantPolicyFile(FollowedOnDisk<TenantPolicy> policy) {
    this.policy = policy;
  }

  /**
   * Reads the policy of {@code file} now.
   *
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException naming every problem of its content
   */
  public static TenantPolicyFile load(Path file, InstantSource clock) throws IOException {
    return new TenantPolicyFile(new FollowedOnDisk<>("tenant policy " + file, () -> {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return attributes.size() + ":" + attributes.lastModifiedTime().toMillis() + ":" + file.toRealPath();
    }, () -> TenantPolicy.parse(file.toString(), Files.readAllBytes(file)), clock));
  }

  @Override
  public TenantPolicy get() {
    return policy.get();
  }
}
