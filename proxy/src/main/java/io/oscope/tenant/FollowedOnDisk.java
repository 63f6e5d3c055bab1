package io.oscope.tenant;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from disk and kept in step with it without a thread: looked at again when asked for
 * and {@link #CHECK_EVERY} has passed, read again only when its fingerprint (names, sizes, times,
 * link targets: a Kubernetes volume's {@code ..data} swap) changed. What no longer reads is logged,
 * and the previous value stays in use.
 *
 * @param <T> the value: the JWS keys of a directory, the tenant policy of a file
 */
final class FollowedOnDisk<T> implements Supplier<T> {
  private static final Logger LOG = LoggerFactory.getLogger(FollowedOnDisk.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);

  /** Reads the value, or its fingerprint, from disk. */
  interface Read<V> {
    V read() throws IOException;
  }

  private final String what;
  private final Read<String> fingerprint;
  private final Read<T> value;
  private final InstantSource clock;
  private volatile Loaded<T> loaded;

  private record Loaded<T>(T value, String fingerprint, Instant checkedAt) {}

  /**
   * Reads the value now.
   *
   * @param what names it in the log, e.g. "JWS public keys of /etc/keystone/jws-keys"
   * @throws IOException when it cannot be read; an {@link IllegalArgumentException} of {@code value}
   *     (bad content) passes through
   */
  FollowedOnDisk(String what, Read<String> fingerprint, Read<T> value, InstantSource clock) throws IOException {
    this.what = what;
    this.fingerprint = fingerprint;
    this.value = value;
    this.clock = clock;
    String print = fingerprint.read();
    this.loaded = new Loaded<>(value.read(), print, clock.instant());
  }

  @Override
  public T get() {
    Loaded<T> current = loaded;
    Instant now = clock.instant();
    if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.value();
    synchronized (this) {
      current = loaded;
      if (Duration.between(current.checkedAt(), now).compareTo(CHECK_EVERY) < 0) return current.value();
      loaded = refreshed(current, now);
      return loaded.value();
    }
  }

  private Loaded<T> refreshed(Loaded<T> current, Instant now) {
    try {
      String print = fingerprint.read();
      if (print.equals(current.fingerprint())) return new Loaded<>(current.value(), print, now);
      T fresh = value.read();
      LOG.info("{} reloaded", what);
      return new Loaded<>(fresh, print, now);
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("{} not reloaded, the previous ones stay in use:\n{}", what, e.getMessage());
      // Looked at again after the next interval, not on every request meanwhile.
      return new Loaded<>(current.value(), current.fingerprint(), now);
    }
  }
}
