package io.oscope.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * How loaded the connections to one upstream address are, across event loops: in use (lent to a
 * request, or connecting), idle in the pools, and requests refused at the per-address limit
 * ({@code --max-upstream-connections}). Read by the metrics at each scrape; updated by
 * {@link UpstreamChannels} and {@link UpstreamHandler} with one atomic operation each.
 */
public final class AddressLoad {
  final AtomicInteger inUse = new AtomicInteger();
  final AtomicInteger idle = new AtomicInteger();
  final LongAdder refused = new LongAdder();

  AddressLoad() {}

  /** Connections lent to a request, or being opened for one. */
  public int inUse() {
    return inUse.get();
  }

  /** Open connections waiting in the event loops' pools for the next request. */
  public int idle() {
    return idle.get();
  }

  /** Requests refused since start because {@link #inUse} was at the limit. */
  public long refused() {
    return refused.sum();
  }
}
