package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oscope.metrics.ProxyMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every error {@link ErrorMapper} counts lands on a series that was exported, at zero, from the start. */
class ErrorMetricsTest {

  @Test
  void countingEveryKindOfErrorAddsNoSeries() {
    try (ProxyMetrics metrics = new ProxyMetrics(1)) {
      Set<String> before = series(metrics.scrape());
      List<ProxyError> errors = List.of(
          new ProxyError.MalformedScope("X-Scope", "oops"),
          new ProxyError.UnknownCloud("image", "Nowhere", Set.of("Solo")),
          new ProxyError.ServiceNotInCloud("image", "public", "Solo"),
          new ProxyError.UnsupportedExpression("image", "A & B | C", "why"),
          new ProxyError.ReplicatedWrite("image", "POST", "A & B"),
          new ProxyError.InvalidRequest(400, "bad"),
          new ProxyError.RequestTimeout("the request head", Duration.ofSeconds(1)),
          new ProxyError.NoService("h:1", "/x"),
          new ProxyError.ForbiddenDestination("h:1"),
          new ProxyError.ConnectNotAllowed("h:1"),
          new ProxyError.Loop("oscope-Solo"),
          new ProxyError.UpstreamUnavailable("u", "why"),
          new ProxyError.UpstreamRefused("u"),
          new ProxyError.UpstreamBusy("u", 1),
          new ProxyError.NoHealthyUpstream("u", "pool"),
          new ProxyError.Internal(),
          new ProxyError.UpstreamTimeout("u", "answer", Duration.ofSeconds(1)),
          new ProxyError.BadFanOutList("limit"),
          new ProxyError.FanOutFailed(java.util.Map.of("CloudTwo", "answered 500")),
          new ProxyError.NotFoundInAnyCloud(List.of("CloudOne", "CloudTwo"), List.of()),
          new ProxyError.ProjectInMaintenance("p1", "demo", "upgrade", "2026-12-03T08:00:00Z"),
          new ProxyError.TenantUnknown("Keystone is unreachable"),
          new ProxyError.RoleRequired("image", "CloudTwo", Set.of("member")),
          new ProxyError.CloudNotAllowed("p1", "CloudTwo", Set.of("CloudOne")));
      Set<Class<?>> kinds = errors.stream().<Class<?>>map(Object::getClass).collect(Collectors.toSet());
      assertThat(kinds).as("one of each kind of ProxyError").isEqualTo(Set.of(ProxyError.class.getPermittedSubclasses()));

      errors.forEach(error -> ErrorMapper.count(error, metrics));

      String after = metrics.scrape();
      assertThat(series(after)).isEqualTo(before);
      assertThat(after).contains("oscope_upstream_errors_total{kind=\"busy\"} 1.0")
          .contains("oscope_scope_errors_total{reason=\"unknown_cloud\"} 1.0");
    }
  }

  /** The series of the oscope_ error counters in a scrape, without their values. */
  private static Set<String> series(String scrape) {
    return scrape.lines().filter(line -> line.startsWith("oscope_") && line.contains("errors_total"))
        .map(line -> line.substring(0, line.lastIndexOf(' '))).collect(Collectors.toSet());
  }
}
