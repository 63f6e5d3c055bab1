package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.logging.ShippedConfiguration;
import io.oscope.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * oscope's logs as an operator reads them: a proxy in its own JVM with the shipped logging
 * configuration ({@link ShippedConfiguration}), its whole output read. Every line has a date and a
 * zone; in JSON, every line is one object and nothing else; no token, password or query string
 * anywhere.
 */
class OperatorLogsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE_ID = "req-0b5a5b9e-6f1c-4d2a-9f4e-0c2b6a7d8e9f";
  private static final String GLOBAL_ID = "req-11111111-2222-4333-8444-555555555555";

  @TempDir
  Path dir;

  @Test
  void jsonLogsAreJsonLinesWithDatedTimesAndNoSecrets() throws Exception {
    List<String> lines = run(Map.of("OSCOPE_LOG_FORMAT", "json"), "JSON");

    List<JsonNode> access = new ArrayList<>();
    for (String line : lines) {
      JsonNode object = JSON.readTree(line); // the whole line is one JSON object: nothing before, nothing after
      assertThat(object.isObject()).as(line).isTrue();
      OffsetDateTime.parse(object.path("time").asText());
      if (object.has("status")) access.add(object);
      else assertThat(object.path("proxy").asText()).as(line).isEqualTo("oscope-Solo");
    }
    assertThat(access).hasSize(3);
    assertThat(access).allSatisfy(line -> {
      assertThat(line.path("proxy").asText()).isEqualTo("oscope-Solo");
      assertThat(line.path("path").asText()).isEqualTo("/image/v2/images");
      assertThat(line.path("status").asInt()).isEqualTo(200);
    });
    assertThat(lines).anyMatch(line -> line.contains("\"level\":\"INFO\"") && line.contains("proxy listening on"));
  }

  @Test
  void textLogsStartWithAnIsoTimeAndTheProxysName() throws Exception {
    List<String> lines = run(Map.of(), "TEXT");

    assertThat(lines).isNotEmpty().allSatisfy(line -> OffsetDateTime.parse(line.substring(0, line.indexOf(' '))));
    List<String> access = lines.stream().filter(line -> line.contains(" -> ")).toList();
    assertThat(access).hasSize(3).allSatisfy(line -> assertThat(line.split(" ")[1]).isEqualTo("oscope-Solo"));
  }

  /**
   * Runs a proxy with {@code environment} and access log {@code format}, sends it three requests
   * with a token, a password and a query string, stops it; its whole output, checked for secrets.
   */
  private List<String> run(Map<String, String> environment, String format) throws Exception {
    try (RawUpstream upstream = new RawUpstream("service", (head, client) -> client.getOutputStream().write(
        ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-OpenStack-Request-ID: " + SERVICE_ID + "\r\n\r\n{}")
            .getBytes(StandardCharsets.US_ASCII)))) {
      int port = FreePorts.next();
      Path routes = dir.resolve("services.json");
      Files.writeString(routes, String.format("{\"services\": [{\"Service Type\": \"image\", \"Interface\": \"public\","
          + " \"URL\": \"127.0.0.1:%d/image\", \"Region\": \"Solo\", \"Frontend\": \"127.0.0.1:%d\","
          + " \"Backend\": \"127.0.0.1:%d\"}]}", port, port, upstream.port()));
      List<String> lines;
      try (ProxyProcess proxy = ProxyProcess.start(environment, List.of("-Xmx64m", "-D" + ShippedConfiguration.FORCE_PROPERTY + "=shipped"),
          "proxy", "--services", routes.toString(), "--cloud", "Solo", "--listen", "127.0.0.1:" + port,
          "--access-log", format, "--health-interval", "60m", "--admin", "127.0.0.1:0")) {
        // The last start line: the signal handlers are in place once it is logged.
        proxy.awaitLine("admin listener on");
        for (int i = 0; i < 3; i++) {
          String response = RawHttp.exchange(port, "GET /image/v2/images?password=QUERY-SECRET HTTP/1.1\r\n"
              + "Host: 127.0.0.1:" + port + "\r\nX-Auth-Token: TOKEN-SECRET\r\nX-OpenStack-Request-ID: " + GLOBAL_ID
              + "\r\nConnection: close\r\n\r\n");
          assertThat(response).startsWith("HTTP/1.1 200");
        }
        proxy.signal("TERM");
        assertThat(proxy.waitFor(Duration.ofSeconds(30))).isZero();
        lines = proxy.allLines();
      }
      // No query string: a log line may hold a '?' of its own (the warning that a signal is ignored
      // by inheritance, as under nohup), the request's path followed by one never.
      assertThat(lines).noneMatch(line -> line.contains("SECRET") || line.contains("password")
          || line.contains("/image/v2/images?"));
      return lines;
    }
  }
}
