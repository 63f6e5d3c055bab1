package io.oscope.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TenantStatesTest {
  private static final Duration FRESH = Duration.ofSeconds(5);
  private static final Duration STALE = Duration.ofMinutes(10);
  private static final TenantState MAINTENANCE = new TenantState("p1", "demo", "moving to CloudTwo", null, null);
  private static final TenantState NORMAL = new TenantState("p1", "demo", null, null, null);

  private long nanos;
  private final Ticker ticker = () -> nanos;
  private final List<CompletableFuture<TenantState>> reads = new ArrayList<>();
  private final TenantStates states = new TenantStates(project -> {
    CompletableFuture<TenantState> read = new CompletableFuture<>();
    reads.add(read);
    return read;
  }, FRESH, STALE, ticker);

  private void advance(Duration by) {
    nanos += by.toNanos();
  }

  private CompletableFuture<TenantState> lastRead() {
    return reads.get(reads.size() - 1);
  }

  @Test
  void readsAProjectOnceForConcurrentRequests() {
    CompletableFuture<TenantStates.Lookup> first = states.lookup("p1");
    CompletableFuture<TenantStates.Lookup> second = states.lookup("p1");
    lastRead().complete(MAINTENANCE);

    assertThat(reads).hasSize(1);
    assertThat(first.join()).isEqualTo(new TenantStates.Lookup.Known(MAINTENANCE));
    assertThat(second.join()).isEqualTo(first.join());
  }

  @Test
  void aToggleIsSeenOnceTheStateIsNoLongerFresh() {
    states.lookup("p1");
    lastRead().complete(MAINTENANCE);

    advance(FRESH.minusMillis(1));
    assertThat(states.known("p1")).isEqualTo(new TenantStates.Lookup.Known(MAINTENANCE));
    assertThat(reads).hasSize(1);

    advance(Duration.ofMillis(2));
    assertThat(states.known("p1")).isEqualTo(new TenantStates.Lookup.Known(MAINTENANCE)); // starts the read
    lastRead().complete(NORMAL);
    assertThat(reads).hasSize(2);
    assertThat(states.known("p1")).isEqualTo(new TenantStates.Lookup.Known(NORMAL));
  }

  @Test
  void keepsServingTheLastStateWhileKeystoneIsDown() {
    states.lookup("p1");
    lastRead().complete(MAINTENANCE);

    advance(FRESH.plusMillis(1));
    states.known("p1");
    assertThat(reads).hasSize(2);
    lastRead().completeExceptionally(new IOException("connection refused"));

    assertThat(states.lookup("p1").join()).isEqualTo(new TenantStates.Lookup.Known(MAINTENANCE));
  }

  @Test
  void aProjectNeverReadWhileKeystoneIsDownIsUnavailableAndAskedAgain() {
    CompletableFuture<TenantStates.Lookup> lookup = states.lookup("p1");
    lastRead().completeExceptionally(new IOException("connection refused"));

    assertThat(lookup.join()).isInstanceOf(TenantStates.Lookup.Unavailable.class);
    assertThat(((TenantStates.Lookup.Unavailable) lookup.join()).reason())
        .isEqualTo("the state of project p1 cannot be read from Keystone: connection refused");
    assertThat(states.known("p1")).isNull();
    states.lookup("p1");
    assertThat(reads).hasSize(2);
  }

  @Test
  void aProjectKeystoneDoesNotKnowHasNoState() {
    CompletableFuture<TenantStates.Lookup> lookup = states.lookup("gone");
    lastRead().completeExceptionally(new UnknownProjectException("no such project"));

    assertThat(lookup.join()).isEqualTo(new TenantStates.Lookup.Known(new TenantState("gone", null, null, null, null)));
  }

  @Test
  void forgettingAProjectReadsItAgainAtOnce() {
    states.lookup("p1");
    lastRead().complete(MAINTENANCE);

    states.forget("p1");
    states.lookup("p1");

    assertThat(reads).hasSize(2);
  }
}
