package io.oscope.pool;

/**
 * How many retries may be in flight to one pool at a time, as Envoy's {@code retry_budget}: a
 * share of the requests in flight to it, never fewer than a minimum. When a pool fails, its
 * requests fail together and would all be sent again at once; the budget lets through what the
 * minimum and the share allow, and the rest get the failure they met.
 *
 * <pre>{@code new RetryBudget(20, 3).limit(50) // 10: 20 % of 50 requests, above the minimum of 3}</pre>
 *
 * @param percent retries in flight, as a share of the requests in flight to the pool: 0 to 100 (100
 *     allows every retry, a retry being a request in flight too)
 * @param minimum retries in flight allowed whatever the share: a pool with few requests can still retry
 */
public record RetryBudget(double percent, int minimum) {
  public RetryBudget {
    if (!(percent >= 0 && percent <= 100)) throw new IllegalArgumentException("retry budget must be 0 to 100 %, got " + percent);
    if (minimum < 0) throw new IllegalArgumentException("retry budget minimum must not be negative, got " + minimum);
  }

  /** Envoy's defaults: 20 % of the requests in flight, at least 3. */
  public static RetryBudget defaults() {
    return new RetryBudget(20, 3);
  }

  /** The retries allowed in flight while {@code requests} are in flight to the pool. */
  public long limit(long requests) {
    return Math.max(minimum, (long) (percent * requests / 100));
  }
}
