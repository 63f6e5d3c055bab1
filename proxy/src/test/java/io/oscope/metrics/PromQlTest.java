package io.oscope.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsTheMetricsOfAnExpressionAndNothingElse() {
    assertThat(PromQl.metricNames("""
        (sum by (job, cloud) (rate(oscope_requests_seconds_count{status="5xx", job=~"$job"}[$__rate_interval]))
          / sum without (instance) (rate(oscope_requests_seconds_count[5m]))) > 0.05
        and on (job) group_left (version) oscope_build_info offset 5m
        or histogram_quantile(0.99, sum by (le) (rate(oscope_requests_seconds_bucket{le!="+Inf"}[1m]))) > bool 1e3
        unless time() - oscope_route_table_loaded_timestamp_seconds < $threshold"""))
        .containsExactly("oscope_build_info", "oscope_requests_seconds_bucket", "oscope_requests_seconds_count",
            "oscope_route_table_loaded_timestamp_seconds");
  }

  @Test
  void aBareSelectorIsItsName() {
    assertThat(PromQl.metricNames("up{job=\"oscope\"} == 0")).containsExactly("up");
    assertThat(PromQl.metricNames("process_files_open_files / process_files_max_files > 0.8"))
        .containsExactly("process_files_max_files", "process_files_open_files");
  }
}
