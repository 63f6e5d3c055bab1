package io.oscope.token;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * An asynchronous call whose failure becomes a value: a call that throws, or whose future fails,
 * hands its outcome function the failure's cause, unwrapped from the {@link CompletionException}
 * a dependent stage wraps it in. The caches of what tokens name and of tenant states remember
 * failures so (as verdicts that expire at once), never as failed futures.
 *
 * <pre>{@code
 * CompletableFuture<TokenVerdict> verdict = Settled.of(() -> keystone.introspect(token),
 *     (identity, cause) -> cause == null ? new Known(identity) : new Unavailable(cause.getMessage()));
 * }</pre>
 */
public final class Settled {
  private Settled() {}

  /** {@code call}'s outcome: {@code outcome(value, null)}, or {@code outcome(null, cause)} however it failed. */
  public static <T, R> CompletableFuture<R> of(Supplier<CompletableFuture<T>> call,
      BiFunction<? super T, Throwable, ? extends R> outcome) {
    CompletableFuture<T> asked;
    try {
      asked = call.get();
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e);
    }
    return asked.handle((value, failure) -> outcome.apply(value, failure == null ? null : causeOf(failure)));
  }

  /** What failed: the cause of a {@link CompletionException}, else {@code failure} itself. */
  public static Throwable causeOf(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
