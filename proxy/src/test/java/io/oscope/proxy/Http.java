package io.oscope.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A real HTTP client for tests: the JDK's, directly or configured with a proxy. */
final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client;

  private Http(HttpClient client) {
    this.client = client;
  }

  static Http direct() {
    return new Http(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  }

  static Http through(InetSocketAddress proxy) {
    return new Http(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).proxy(ProxySelector.of(proxy)).build());
  }

  Reply get(String url, Map<String, String> headers) {
    return send("GET", url, headers);
  }

  Reply send(String method, String url, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A response with its body as text; {@link #json()} parses it. */
  record Reply(int status, Map<String, java.util.List<String>> headers, String body) {
    JsonNode json() {
      return parse(body);
    }

    static JsonNode parse(String body) {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** What the stand-in saw: its {@code headers} object. */
    JsonNode seen(String header) {
      return json().path("headers").path(header);
    }
  }
}
