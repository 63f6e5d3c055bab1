package io.oscope.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link RetryBudget} and the counts of {@link PoolLoad} it judges. */
class RetryBudgetUnitTest {

  @Test
  void theLimitIsTheShareOfRequestsInFlightButNeverBelowTheMinimum() {
    RetryBudget budget = new RetryBudget(20, 3);
    assertThat(budget.limit(0)).isEqualTo(3);
    assertThat(budget.limit(15)).isEqualTo(3);
    assertThat(budget.limit(20)).isEqualTo(4);
    assertThat(budget.limit(54)).isEqualTo(10); // 10.8: whole retries only
    assertThat(new RetryBudget(12.5, 0).limit(16)).isEqualTo(2);
    assertThat(new RetryBudget(0, 0).limit(1000)).isZero();
    assertThat(RetryBudget.defaults()).isEqualTo(new RetryBudget(20, 3));
  }

  @Test
  void outOfRangeValuesAreRefused() {
    assertThatThrownBy(() -> new RetryBudget(100.5, 3)).hasMessageContaining("0 to 100");
    assertThatThrownBy(() -> new RetryBudget(Double.NaN, 3)).hasMessageContaining("0 to 100");
    assertThatThrownBy(() -> new RetryBudget(20, -1)).hasMessageContaining("minimum");
  }

  @Test
  void retriesAreTakenWhileTheBudgetOfThePoolsRequestsAllows() {
    PoolLoad load = new PoolLoad();
    RetryBudget half = new RetryBudget(50, 1);
    for (int i = 0; i < 4; i++) load.begin();

    assertThat(load.tryRetry(half)).isTrue();
    assertThat(load.tryRetry(half)).isTrue();
    assertThat(load.tryRetry(half)).as("2 of 4 requests already retrying").isFalse();
    load.retryEnded();
    assertThat(load.tryRetry(half)).isTrue();
    for (int i = 0; i < 3; i++) load.end();
    assertThat(load.tryRetry(half)).as("2 retries in flight, 1 request: the minimum is 1").isFalse();
    assertThat(load.retries()).isEqualTo(2);
    assertThat(load.requests()).isEqualTo(1);
    assertThat(load.idle()).isFalse();
    load.retryEnded();
    load.retryEnded();
    load.end();
    assertThat(load.idle()).isTrue();
  }

  @Test
  void onlyAPoolWithoutAddressesLeftAndNothingInFlightIsForgotten() {
    var a = io.oscope.routes.HostPort.parse("10.0.0.1:80");
    var b = io.oscope.routes.HostPort.parse("10.0.0.2:80");
    Balancer balancer = new Balancer(PoolSettings.defaults());
    PoolLoad kept = balancer.load(io.oscope.routes.Pool.of(a));
    PoolLoad busy = balancer.load(io.oscope.routes.Pool.of(b, a));
    busy.begin();
    PoolLoad gone = balancer.load(io.oscope.routes.Pool.of(b));

    balancer.retain(java.util.Set.of(a));

    assertThat(balancer.load(io.oscope.routes.Pool.of(a))).isSameAs(kept);
    assertThat(balancer.load(io.oscope.routes.Pool.of(b, a))).isSameAs(busy);
    assertThat(balancer.load(io.oscope.routes.Pool.of(b))).isNotSameAs(gone);
  }
}
