package io.oscope.tenant;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.oscope.token.Settled;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The tenant state of projects, read from Keystone and remembered for a few seconds: a project's
 * state is read once per {@code fresh} however many requests need it, read again in the background
 * by the first request after that, and kept serving while Keystone cannot be reached. A project
 * whose state was never read while Keystone is down is {@link Lookup.Unavailable}: the policy answers
 * 503 rather than guess.
 */
public final class TenantStates {

  /** A project's state, or why it cannot be known now. */
  public sealed interface Lookup {
    record Known(TenantState state) implements Lookup {}

    record Unavailable(String reason) implements Lookup {}
  }

  private final AsyncLoadingCache<String, Lookup> states;

  /**
   * @param read Keystone's answer for a project ID; fails with {@link
   *     UnknownProjectException} for a project Keystone does not know
   * @param fresh how long a state is used before it is read again (a toggle takes effect within it)
   * @param stale how long a state keeps serving while Keystone cannot be reached
   */
  public TenantStates(Function<String, CompletableFuture<TenantState>> read, Duration fresh, Duration stale, Ticker ticker) {
    this.states = Caffeine.newBuilder()
        .executor(Runnable::run)
        .ticker(ticker)
        .maximumSize(100_000)
        .refreshAfterWrite(fresh)
        .expireAfter(new Expiry<String, Lookup>() {
          @Override
          public long expireAfterCreate(String project, Lookup lookup, long now) {
            return lookup instanceof Lookup.Known ? stale.toNanos() : 0;
          }

          @Override
          public long expireAfterUpdate(String project, Lookup lookup, long now, long current) {
            return expireAfterCreate(project, lookup, now);
          }

          @Override
          public long expireAfterRead(String project, Lookup lookup, long now, long current) {
            return current;
          }
        })
        .buildAsync(new AsyncCacheLoader<String, Lookup>() {
          @Override
          public CompletableFuture<Lookup> asyncLoad(String project, Executor executor) {
            return ask(read, project, null);
          }

          @Override
          public CompletableFuture<Lookup> asyncReload(String project, Lookup old, Executor executor) {
            return ask(read, project, old);
          }
        });
  }

  /**
   * Keystone's answer as a lookup: a failure is {@link Lookup.Unavailable} (expiring at once), or
   * the {@code previous} state, which keeps serving.
   */
  private static CompletableFuture<Lookup> ask(Function<String, CompletableFuture<TenantState>> read, String project,
      Lookup previous) {
    return Settled.of(() -> read.apply(project), (state, cause) -> {
      if (cause == null) return new Lookup.Known(state);
      if (cause instanceof UnknownProjectException) {
        return new Lookup.Known(new TenantState(project, null, null, null, null));
      }
      if (previous instanceof Lookup.Known) return previous;
      return new Lookup.Unavailable("the state of project " + project + " cannot be read from Keystone: "
          + cause.getMessage());
    });
  }

  /**
   * The state of {@code projectId} if remembered, else {@code null}; either way a read starts
   * when due (the first, or a refresh), so that the next request finds it.
   */
  public Lookup known(String projectId) {
    CompletableFuture<Lookup> remembered = states.get(projectId);
    if (!remembered.isDone()) return null;
    Lookup lookup = remembered.join();
    return lookup instanceof Lookup.Unavailable ? null : lookup;
  }

  /** The state of {@code projectId}, read from Keystone when not remembered. Never fails. */
  public CompletableFuture<Lookup> lookup(String projectId) {
    return states.get(projectId);
  }

  /** Forgets {@code projectId}'s state: after a toggle through this proxy, it is read again at once. */
  public void forget(String projectId) {
    states.synchronous().invalidate(projectId);
  }
}
