package io.oscope.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.Future;
import io.oscope.pool.Balancer;
import io.oscope.pool.Member;
import io.oscope.pool.Outcome;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.tracing.RequestSpans;
import io.oscope.upstream.UpstreamHandler;
import java.util.HashSet;
import java.util.Set;

/**
 * One request's tries of its route's pool, the one implementation that {@link Forwarding} and a
 * fan-out's {@link BranchCall} share: the address to try next ({@link #pick}), the try in
 * progress (its member, counted by the balancer, and its CLIENT span: {@link #connect}, {@link
 * #end}), the addresses tried, and whether to try again after a failed try, as {@link
 * RetryPolicy} decides. Most requests try once: the first address costs no HashSet.
 *
 * <pre>{@code
 * Member member = tries.pick(balancer, route.upstream());   // null: no address left
 * Future<UpstreamHandler> connection = tries.connect(context, loop, route.upstream(), span);
 * ...
 * tries.end(balancer, handler, reusable, Outcome.ANSWERED);
 * }</pre>
 */
final class Tries {
  private Set<HostPort> tried = Set.of();
  private boolean staleRetried;
  /** The address of the try in progress, until the balancer heard how it ended; else null. */
  private Member member;
  /** The CLIENT span of the try in progress, with tracing on; else null. */
  private RequestSpans.Attempt span;

  /** The addresses not to pick again. */
  Set<HostPort> tried() {
    return tried;
  }

  void add(HostPort address) {
    if (tried.isEmpty()) tried = Set.of(address);
    else mutable().add(address);
  }

  /**
   * The member of {@code pool} to try next, one not tried yet (the balancer's choice), now the try
   * in progress; null when no address is left.
   */
  Member pick(Balancer balancer, Pool pool) {
    Member picked = balancer.pick(pool, tried);
    if (picked == null) return null;
    add(picked.address());
    member = picked;
    return picked;
  }

  /** The member of the try in progress, or null between tries. */
  Member member() {
    return member;
  }

  /** {@code same}, whose try just ended, is tried once more (a refused service token, swapped). */
  void resume(Member same) {
    member = same;
  }

  /**
   * Starts the try of the member picked: the balancer counts it in flight from now, {@code span}
   * (or null, tracing off) is its CLIENT span, and its connection is asked of the pools of {@code loop}.
   */
  Future<UpstreamHandler> connect(ProxyContext context, EventLoop loop, Pool pool,
      RequestSpans.Attempt span) {
    context.balancer().begin(member);
    this.span = span;
    return context.upstreams().acquire(loop, member.address(), pool.tls());
  }

  /** The CLIENT span of the try in progress, or null. */
  RequestSpans.Attempt span() {
    return span;
  }

  /** The upstream answered the try in progress with {@code status}: its span says so. */
  void answered(int status) {
    if (span != null) span.answered(status);
  }

  /** The try in progress failed: {@code type} names how (an error kind), {@code description} says more. */
  void failed(String type, String description) {
    if (span != null) span.failed(type, description);
  }

  /** The try in progress failed as {@code failure} says. */
  void failed(Throwable failure) {
    if (span != null) span.failed(ErrorMapper.kind(failure), ErrorMapper.describe(ErrorMapper.telling(failure)));
  }

  /**
   * Ends the try in progress, if any: its span ends; {@code connection} (or null) goes back to its
   * pool if {@code reuse}, else is closed; the balancer hears {@code outcome} of the address
   * ({@link Outcome#ANSWERED} whatever the status).
   */
  void end(Balancer balancer, UpstreamHandler connection, boolean reuse, Outcome outcome) {
    if (span != null) {
      span.end();
      span = null;
    }
    if (connection != null) {
      if (reuse) connection.release();
      else connection.discard();
    }
    if (member != null) {
      balancer.end(member, outcome);
      member = null;
    }
  }

  /**
   * Whether to try the pool again after {@code failure} at {@code address}, as {@link RetryPolicy}
   * decides; an address whose pooled connection was only stale may be picked again, once
   * ({@link RetryPolicy.Decision#RETRY_ANY}).
   */
  RetryPolicy.Decision again(RetryPolicy.Failure failure, HostPort address, HttpMethod method, boolean hasBody,
      int retries) {
    RetryPolicy.Decision decision = RetryPolicy.decide(failure, method, hasBody, tried.size(), retries, staleRetried);
    if (decision == RetryPolicy.Decision.RETRY_ANY) {
      staleRetried = true;
      mutable().remove(address);
    }
    return decision;
  }

  private Set<HostPort> mutable() {
    if (!(tried instanceof HashSet)) tried = new HashSet<>(tried);
    return tried;
  }
}
