package io.oscope.pool;

import java.time.Duration;

/**
 * How the members of upstream pools are balanced, checked and retried, with the OpenStackoïd prototype's HAProxy
 * defaults ({@code check inter 2000 rise 2 fall 5}).
 *
 * @param interval time between two active checks of an address
 * @param timeout how long one check may take
 * @param rise consecutive successful checks that bring a down address back
 * @param fall consecutive address failures (failed checks, and tries that met an unreachable address
 *     or one not speaking HTTP: see {@link Outcome}) that take it down
 * @param path {@code null} for a TCP connect check, else the path of an HTTP {@code GET} check
 * @param healthyStatus the highest HTTP status of a passing HTTP check (399: 2xx and 3xx pass)
 * @param retries how many other addresses a request may try after a connect failure
 * @param balance how a member is picked
 * @param retryBudget how many retries may be in flight to a pool at a time, besides {@code retries}
 *     per request
 */
public record PoolSettings(Duration interval, Duration timeout, int rise, int fall, String path,
    int healthyStatus, int retries, Balance balance, RetryBudget retryBudget) {

  /** How a pool's member is picked among those up and not yet tried by the request. */
  public enum Balance {
    /** The member with the fewest requests outstanding; ties in turn. */
    LEAST_OUTSTANDING,
    /** Each member in turn. */
    ROUND_ROBIN
  }

  public PoolSettings {
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("health check interval must be positive");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("health check timeout must be positive");
    if (rise < 1 || fall < 1) throw new IllegalArgumentException("rise and fall must be at least 1");
    if (retries < 0) throw new IllegalArgumentException("retries must not be negative");
    if (path != null && !path.startsWith("/")) throw new IllegalArgumentException("health check path must start with /");
    if (balance == null) balance = Balance.LEAST_OUTSTANDING;
    if (retryBudget == null) retryBudget = RetryBudget.defaults();
  }

  /** With the default retry budget. */
  public PoolSettings(Duration interval, Duration timeout, int rise, int fall, String path, int healthyStatus,
      int retries, Balance balance) {
    this(interval, timeout, rise, fall, path, healthyStatus, retries, balance, RetryBudget.defaults());
  }

  /** Every 2 s, 1 s timeout, rise 2, fall 5, TCP checks, 2 retries within the default budget, least outstanding. */
  public static PoolSettings defaults() {
    return new PoolSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 5, null, 399, 2, Balance.LEAST_OUTSTANDING);
  }
}
