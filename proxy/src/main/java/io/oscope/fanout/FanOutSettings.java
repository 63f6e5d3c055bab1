package io.oscope.fanout;

import java.time.Duration;

/**
 * How a proxy runs {@code &} fan-outs.
 *
 * <pre>{@code
 * FanOutSettings fanOut = FanOutSettings.defaults().withFailure(FanOutSettings.Failure.PARTIAL);
 * }</pre>
 *
 * @param failure what a client gets when some clouds fail ({@code --fan-out-failure})
 * @param timeout how long one cloud may take to answer ({@code --fan-out-timeout}); a cloud that
 *     does not answer in time has failed
 * @param maxBody the largest answer read from one cloud ({@code --fan-out-max-body}): answers are
 *     read whole to be merged, so they are bounded; a larger one is a failure of that cloud
 * @param markerKey the key of composite markers ({@code --fan-out-marker-key-file}), or null: then
 *     derived from the peer secret, else drawn at random (see {@link MarkerKey})
 */
public record FanOutSettings(Failure failure, Duration timeout, long maxBody, MarkerKey markerKey) {

  /** What a fan-out answers when some clouds failed (connection, 5xx, timeout, unreadable answer). */
  public enum Failure {
    /** 502, naming the clouds that failed and why. */
    FAIL,
    /** What the others answered, with {@code X-Oscope-Fan-Out-Failed} naming the clouds that failed. */
    PARTIAL
  }

  public FanOutSettings {
    if (failure == null) throw new IllegalArgumentException("a fan-out failure policy is needed");
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("fan-out timeout must be positive, got " + timeout);
    }
    if (maxBody < 1024) throw new IllegalArgumentException("fan-out max body must be at least 1 KiB, got " + maxBody);
  }

  /** {@code fail}, 30 s per cloud, 32 MiB per answer, the key derived or drawn. */
  public static FanOutSettings defaults() {
    return new FanOutSettings(Failure.FAIL, Duration.ofSeconds(30), 32L << 20, null);
  }

  public FanOutSettings withFailure(Failure value) {
    return new FanOutSettings(value, timeout, maxBody, markerKey);
  }

  public FanOutSettings withTimeout(Duration value) {
    return new FanOutSettings(failure, value, maxBody, markerKey);
  }

  public FanOutSettings withMaxBody(long value) {
    return new FanOutSettings(failure, timeout, value, markerKey);
  }

  public FanOutSettings withMarkerKey(MarkerKey value) {
    return new FanOutSettings(failure, timeout, maxBody, value);
  }
}
