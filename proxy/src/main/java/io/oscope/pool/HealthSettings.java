package io.oscope.pool;

import java.time.Duration;

/**
 * How upstream addresses are checked, with the seed's HAProxy defaults ({@code check inter 2000
 * rise 2 fall 5}).
 *
 * @param interval time between two active checks of an address
 * @param timeout how long one check may take
 * @param rise consecutive successful checks that bring a down address back
 * @param fall consecutive failures (checks, connect failures or 5xx answers) that take it down
 * @param path {@code null} for a TCP connect check, else the path of an HTTP {@code GET} check
 * @param healthyStatus the highest HTTP status of a passing HTTP check (399: 2xx and 3xx pass)
 * @param retries how many other addresses a request may try after a connect failure
 */
public record HealthSettings(Duration interval, Duration timeout, int rise, int fall, String path,
    int healthyStatus, int retries) {

  public HealthSettings {
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("health check interval must be positive");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("health check timeout must be positive");
    if (rise < 1 || fall < 1) throw new IllegalArgumentException("rise and fall must be at least 1");
    if (retries < 0) throw new IllegalArgumentException("retries must not be negative");
    if (path != null && !path.startsWith("/")) throw new IllegalArgumentException("health check path must start with /");
  }

  /** Every 2 s, 1 s timeout, rise 2, fall 5, TCP checks, 2 retries. */
  public static HealthSettings defaults() {
    return new HealthSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 5, null, 399, 2);
  }
}
