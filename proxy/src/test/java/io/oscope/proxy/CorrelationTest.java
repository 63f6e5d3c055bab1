package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IDs that join the lines of a request across two real proxies and a stand-in service, with
 * tracing off: oscope's own (sent to the peer only), the client's global request ID, the service's
 * request ID, the trace's ID; the trace context passes on untouched.
 */
class CorrelationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GLOBAL_ID = "req-11111111-2222-4333-8444-555555555555";
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
  private static TwoClouds clouds;
  private static final Http http = Http.direct();

  @BeforeAll
  static void start() throws Exception {
    clouds = new TwoClouds(settings -> settings.toBuilder().accessLog(ProxySettings.AccessLog.JSON).build());
  }

  @AfterAll
  static void stop() {
    clouds.close();
  }

  @Test
  void bothProxiesLogTheFirstOnesIdAndTheClientsAndServicesIds() throws Exception {
    Http.Reply reply;
    List<JsonNode> lines = new ArrayList<>();
    try (AccessLines access = new AccessLines()) {
      reply = http.get(clouds.oneUrl("/image/v2/images?marker=QUERY-SECRET"), Map.of("X-Auth-Token", "TOKEN-SECRET",
          "X-Scope", "{\"image\": \"CloudTwo\"}", "X-OpenStack-Request-ID", GLOBAL_ID, "traceparent", TRACEPARENT,
          "tracestate", "vendor=opaque", "X-Oscope-Request-ID", "not-an-id\"}"));
      for (String line : access.await(2)) {
        assertThat(line).doesNotContain("SECRET").doesNotContain("not-an-id");
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(reply.status()).isEqualTo(200);
    String serviceId = reply.headers().get("x-openstack-request-id").get(0);
    JsonNode one = lines.stream().filter(line -> line.path("proxy").asText().equals("oscope-CloudOne")).findFirst().orElseThrow();
    JsonNode two = lines.stream().filter(line -> line.path("proxy").asText().equals("oscope-CloudTwo")).findFirst().orElseThrow();

    assertThat(one.path("id").asText()).matches("[0-9a-f]{12}-[0-9a-f]{12}");
    assertThat(one.path("origin_id").isNull()).as("a client's X-Oscope-Request-ID is not taken").isTrue();
    assertThat(two.path("origin_id").asText()).isEqualTo(one.path("id").asText());
    assertThat(two.path("id").asText()).isNotEqualTo(one.path("id").asText());
    for (JsonNode line : List.of(one, two)) {
      assertThat(line.path("global_request_id").asText()).isEqualTo(GLOBAL_ID);
      assertThat(line.path("openstack_request_id").asText()).isEqualTo(serviceId).startsWith("req-");
      assertThat(line.path("trace_id").asText()).isEqualTo(TRACE_ID);
      assertThat(OffsetDateTime.parse(line.path("time").asText())).isNotNull();
    }
    // Tracing off: the trace context and the global ID reach the service as sent; oscope's ID does not.
    assertThat(reply.seen("traceparent").asText()).isEqualTo(TRACEPARENT);
    assertThat(reply.seen("tracestate").asText()).isEqualTo("vendor=opaque");
    assertThat(reply.seen("x-openstack-request-id").asText()).isEqualTo(GLOBAL_ID);
    assertThat(reply.seen("x-oscope-request-id").isMissingNode()).isTrue();
  }

  @Test
  void idsOfAnotherFormAreNotLogged() throws Exception {
    try (AccessLines access = new AccessLines()) {
      http.get(clouds.oneUrl("/image/v2/images"), Map.of("X-OpenStack-Request-ID", "req-<script>alert(1)</script>",
          "traceparent", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01"));
      JsonNode line = JSON.readTree(access.await(1).get(0));

      assertThat(line.path("global_request_id").isNull()).isTrue();
      assertThat(line.path("trace_id").isNull()).isTrue();
      assertThat(line.path("origin_id").isNull()).isTrue();
      assertThat(line.toString()).doesNotContain("script");
    }
  }
}
