package io.oscope.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The requests in flight to one pool, and the retries among them, which its {@link RetryBudget}
 * bounds. A request counts from its first try to its end; a retry from the moment the budget
 * lets it start to the end of its try.
 *
 * <p>One count per pool for the whole proxy, not one per event loop: a pool's requests come on
 * every loop, and a budget per loop would allow the minimum once per loop and judge each loop's
 * share alone, so the proxy would retry more than the budget says. Hence counters the loops
 * share: requests in a {@link LongAdder}, which every request adds to and takes from (no
 * contention on the hot path; it is summed only when a retry asks), retries in an
 * {@link AtomicInteger} taken by compare-and-set, so that two loops never both take the last
 * slot. The sum is exact whenever no request starts or ends during it.
 *
 * <pre>{@code
 * PoolLoad load = balancer.load(pool);
 * load.begin();
 * if (load.tryRetry(budget)) { ... try again ...; load.retryEnded(); }
 * load.end();
 * }</pre>
 */
public final class PoolLoad {
  private final LongAdder requests = new LongAdder();
  private final AtomicInteger retries = new AtomicInteger();

  PoolLoad() {}

  /** A request to the pool starts. */
  public void begin() {
    requests.increment();
  }

  /** A request to the pool ended, however. */
  public void end() {
    requests.decrement();
  }

  /**
   * Takes a slot for a retry if {@code budget} allows one more in flight now; the caller then
   * calls {@link #retryEnded()} once the retry's try ends.
   */
  public boolean tryRetry(RetryBudget budget) {
    long limit = budget.limit(requests.sum());
    for (int current = retries.get(); current < limit; current = retries.get()) {
      if (retries.compareAndSet(current, current + 1)) return true;
    }
    return false;
  }

  /** A retry's try ended: its slot is free. */
  public void retryEnded() {
    retries.decrementAndGet();
  }

  /** Requests in flight to the pool now. */
  public long requests() {
    return requests.sum();
  }

  /** Retries in flight to the pool now. */
  public int retries() {
    return retries.get();
  }

  /** Whether nothing is in flight: the count may be forgotten. */
  boolean idle() {
    return requests.sum() == 0 && retries.get() == 0;
  }
}
