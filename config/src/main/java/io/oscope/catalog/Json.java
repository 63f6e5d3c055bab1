package io.oscope.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oscope.routes.Problem;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the generator's JSON inputs: duplicate keys are an error, every failure a problem. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Pattern START_MARKER =
      Pattern.compile("\\s*\\(start marker at \\[Source: .*?line: (\\d+), column: (\\d+)\\]\\)");

  private Json() {}

  /** The JSON tree of {@code content}, or {@code null} after adding a problem to {@code problems}. */
  static JsonNode read(String source, byte[] content, List<Problem> problems) {
    try {
      JsonNode root = MAPPER.readTree(content);
      if (root == null || root.isMissingNode()) {
        problems.add(Problem.of(source, "is empty; expected JSON"));
        return null;
      }
      return root;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      problems.add(Problem.of(source, "not valid JSON: " + readable(e.getOriginalMessage()) + where));
    } catch (IOException e) {
      problems.add(Problem.of(source, "cannot read: " + e.getMessage()));
    }
    return null;
  }

  /** Jackson's message without its parser internals: "(start marker at [Source: …; line: 1, column: 2])". */
  private static String readable(String message) {
    String firstLine = message == null ? "" : message.lines().findFirst().orElse("");
    return START_MARKER.matcher(firstLine).replaceAll(" (opened at line $1, column $2)");
  }

  /** Where {@link #text} reports a problem with a field. */
  interface Problems {
    void add(String field, String value, String message);
  }

  /**
   * The non-blank string in {@code field} of {@code node}, or {@code null} after reporting why not
   * (missing, when {@code required}; not a string; empty).
   */
  static String text(JsonNode node, String field, boolean required, Problems problems) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) problems.add(field, null, "is missing");
      return null;
    }
    if (!value.isTextual()) {
      problems.add(field, shown(value), "must be a string");
      return null;
    }
    if (value.asText().isBlank()) {
      problems.add(field, value.asText(), "is empty");
      return null;
    }
    return value.asText();
  }

  /** {@code node} as JSON text, shortened for messages. */
  static String shown(JsonNode node) {
    String text = node.isTextual() ? node.asText() : node.toString();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
