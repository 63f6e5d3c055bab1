package io.oscope.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SettledTest {
  private static CompletableFuture<String> settle(java.util.function.Supplier<CompletableFuture<String>> call) {
    return Settled.of(call, (value, cause) -> cause == null ? "value " + value : cause.getClass().getSimpleName()
        + " " + cause.getMessage());
  }

  @Test
  void aValueIsHandedOnWithoutACause() {
    assertThat(settle(() -> CompletableFuture.completedFuture("v")).join()).isEqualTo("value v");
  }

  @Test
  void aCallThatThrowsIsItsFailure() {
    assertThat(settle(() -> {
      throw new IllegalStateException("thrown");
    }).join()).isEqualTo("IllegalStateException thrown");
  }

  @Test
  void aFailureOfADependentStageIsUnwrapped() {
    CompletableFuture<String> dependent = CompletableFuture.completedFuture("x").thenApply(x -> {
      throw new CompletionException(new IOException("down"));
    });
    assertThat(settle(() -> dependent).join()).isEqualTo("IOException down");
    assertThat(settle(() -> CompletableFuture.failedFuture(new IOException("direct"))).join())
        .isEqualTo("IOException direct");
  }

  @Test
  void aCompletionExceptionWithoutACauseIsItself() {
    CompletionException bare = new CompletionException("bare", null);
    assertThat(Settled.causeOf(bare)).isSameAs(bare);
  }
}
