package io.oscope.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request heads the proxy holds at once, across its connections: each request's head
 * stays in memory until its exchange ends (a retry writes it again). Beyond the limit, connections
 * between requests stop reading until exchanges end, so many clients sending large heads slow down
 * instead of exhausting the heap.
 */
final class HeadBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  /** @param limit the bytes of heads held at most before reads of new requests pause */
  HeadBudget(long limit) {
    if (limit <= 0) throw new IllegalArgumentException("head budget must be positive, got " + limit);
    this.limit = limit;
  }

  /** Counts {@code bytes} more (or fewer, if negative). */
  void add(long bytes) {
    used.addAndGet(bytes);
  }

  /** Whether new requests must wait: the heads held reached the limit. */
  boolean exhausted() {
    return used.get() >= limit;
  }

  long used() {
    return used.get();
  }
}
