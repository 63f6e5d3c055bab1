package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scope vectors shared with the Python plugin's codec ({@code scope-vectors.json}, read by
 * {@code scope-plugin/python/tests/test_vectors.py} too): both make the same canonical scope of
 * every input, or both reject it; both parse every cloud expression alike, or reject it with the
 * same message.
 */
class ScopeVectorsTest {
  record Vector(String scope, String canonical, String error) {
    @Override
    public String toString() {
      return (canonical != null ? "accepts " : "rejects (" + error + ") ") + scope.replace("\n", "\\n");
    }
  }

  static List<Vector> vectors() throws IOException {
    try (InputStream in = ScopeVectorsTest.class.getResourceAsStream("/scope-vectors.json")) {
      List<Vector> vectors = new ArrayList<>();
      for (JsonNode v : new ObjectMapper().readTree(in).get("vectors")) {
        vectors.add(new Vector(v.get("scope").asText(), v.path("canonical").textValue(), v.path("error").textValue()));
      }
      assertThat(vectors).anyMatch(v -> v.canonical() != null).anyMatch(v -> v.error() != null);
      return vectors;
    }
  }

  record ExpressionVector(String expression, String canonical, List<String> clouds, String error) {
    @Override
    public String toString() {
      return (canonical != null ? "accepts " : "rejects ") + expression.replace("\n", "\\n").replace("\t", "\\t");
    }
  }

  static List<ExpressionVector> expressionVectors() throws IOException {
    try (InputStream in = ScopeVectorsTest.class.getResourceAsStream("/scope-vectors.json")) {
      List<ExpressionVector> vectors = new ArrayList<>();
      for (JsonNode v : new ObjectMapper().readTree(in).get("expressions")) {
        List<String> clouds = new ArrayList<>();
        v.path("clouds").forEach(cloud -> clouds.add(cloud.asText()));
        vectors.add(new ExpressionVector(
            v.get("expression").asText(), v.path("canonical").textValue(), clouds, v.path("error").textValue()));
      }
      assertThat(vectors).anyMatch(v -> v.canonical() != null).anyMatch(v -> v.error() != null);
      return vectors;
    }
  }

  /** Unlike scopes, expressions fail with the very same message in both parsers. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("expressionVectors")
  void bothParsersReadTheExpressionAlike(ExpressionVector vector) {
    if (vector.canonical() != null) {
      CloudExpression parsed = CloudExpression.parse(vector.expression());
      assertThat(parsed.toString()).isEqualTo(vector.canonical());
      assertThat(parsed.clouds()).containsExactlyElementsOf(vector.clouds());
      assertThat(CloudExpression.parse(parsed.toString())).isEqualTo(parsed);
    } else {
      assertThatThrownBy(() -> CloudExpression.parse(vector.expression()))
          .isInstanceOf(MalformedScopeException.class)
          .hasMessage(vector.error());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void bothCodecsReadTheScopeAlike(Vector vector) {
    if (vector.canonical() != null) {
      assertThat(Scope.parse(vector.scope()).toJson()).isEqualTo(vector.canonical());
    } else {
      assertThatThrownBy(() -> Scope.parse(vector.scope())).as(vector.error()).isInstanceOf(MalformedScopeException.class);
    }
  }
}
