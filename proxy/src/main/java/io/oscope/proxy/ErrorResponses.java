package io.oscope.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Turns a {@link ProxyError} into a response: its status and an OpenStack-style body,
 * {@code {"error": {"code": 400, "title": "Bad Request", "message": "…"}}}.
 */
final class ErrorResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  /** The JSON body for {@code error}. */
  static byte[] body(ProxyError error) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode body = root.putObject("error");
    body.put("code", error.status());
    body.put("title", title(error.status()));
    body.put("message", error.message());
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The status's reason phrase; Netty has none for 508. */
  static String title(int status) {
    return status == 508 ? "Loop Detected" : HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
