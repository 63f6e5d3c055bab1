package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScopeTest {

  @Test
  void parsesTheSeedsExample() {
    Scope scope = Scope.parse("{\"compute\": \"CloudOne\", \"image\": \"CloudTwo\"}");

    assertThat(scope.asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("compute", "CloudOne", "image", "CloudTwo"));
    assertThat(scope.cloudOf("image")).isEqualTo("CloudTwo");
    assertThat(scope.cloudOf("identity")).isNull();
    assertThat(scope.cloudOf("identity", "CloudOne")).isEqualTo("CloudOne");
  }

  @Test
  void acceptsWhitespaceEscapesAndTheEmptyObject() {
    assertThat(Scope.parse(" \n{ \"image\" :\t\"Cloud\\u0054wo\" } ").cloudOf("image"))
        .isEqualTo("CloudTwo");
    assertThat(Scope.parse("{}").isEmpty()).isTrue();
  }

  @Test
  void printsCompactJsonWithSortedKeys() {
    Scope scope = Scope.of(Map.of("image", "CloudTwo", "compute", "CloudOne"));

    assertThat(scope.toJson()).isEqualTo("{\"compute\":\"CloudOne\",\"image\":\"CloudTwo\"}");
    assertThat(Scope.empty().toJson()).isEqualTo("{}");
  }

  @Test
  void completesMissingTypesWithTheDefaultCloud() {
    Scope scope = Scope.parse("{\"image\":\"CloudTwo\"}");

    Scope complete = scope.withDefault(List.of("identity", "image", "compute"), "CloudOne");

    assertThat(complete.asMap()).containsExactlyInAnyOrderEntriesOf(
        Map.of("identity", "CloudOne", "image", "CloudTwo", "compute", "CloudOne"));
    assertThat(complete.withDefault(List.of("image"), "CloudThree")).isSameAs(complete);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                              | scope is empty
      '[\"CloudOne\"]'                | must be a JSON object mapping service types to cloud names, got an array
      '\"CloudOne\"'                  | got a string
      '42'                            | got a number
      'null'                          | got null
      '{\"image\": 2}'                | scope value for 'image' must be a string naming a cloud, got a number
      '{\"image\": {\"a\": \"b\"}}'   | scope value for 'image' must be a string naming a cloud, got an object
      '{\"image\": [\"CloudTwo\"]}'   | scope value for 'image' must be a string naming a cloud, got an array
      '{\"image\": \"CloudTwo\"'      | expected ',' or '}' at offset 20, found the end
      '{\"image\" \"CloudTwo\"}'      | expected ':' at offset 9
      '{image: \"CloudTwo\"}'         | expected a service type in double quotes at offset 1
      '{\"image\": \"Cloud Two\"}'    | cloud expression for 'image' ('Cloud Two') is malformed at position 6
      '{\"\": \"CloudTwo\"}'          | service type '' is empty
      '{\"image\": \"\"}'             | cloud expression for 'image' ('') is malformed at position 0
      '{\"image\": \"A\", \"image\": \"B\"}' | scope names service type 'image' twice
      '{\"image\": \"A\"} x'          | unexpected 'x' after the object at offset 15
      '{\"image\": \"A\\q\"}'         | invalid escape at offset 12
      '{\"image\": \"A'               | unterminated string at offset 10
      '{\"image\":'                    | scope value for 'image' must be a string naming a cloud, got the end
      """)
  void rejectsMalformedScopesNamingTheProblem(String json, String message) {
    assertThatThrownBy(() -> Scope.parse(json))
        .isInstanceOf(MalformedScopeException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejectsInvalidNamesGivenAsAMap() {
    assertThatThrownBy(() -> Scope.of(Map.of("image", "Cloud\nTwo")))
        .isInstanceOf(MalformedScopeException.class)
        .hasMessage("cloud expression for 'image' ('Cloud\\u000aTwo') is malformed at position 5:"
            + " expected '&', '|' or the end but found character U+000A");
    assertThatThrownBy(() -> Scope.of(Map.of("im|age", "CloudTwo")))
        .isInstanceOf(MalformedScopeException.class)
        .hasMessage("service type 'im|age' may not contain '|': &, |, ( and ) compose cloud expressions in scopes");
  }

  @Test
  void namesAreHeaderTokens() {
    assertThat(Names.isValid("CloudOne")).isTrue();
    assertThat(Names.isValid("cloud-1.example_a")).isTrue();
    assertThat(Names.isValid("x".repeat(Names.MAX_LENGTH))).isTrue();
    assertThat(Names.isValid("x".repeat(Names.MAX_LENGTH + 1))).isFalse();
    assertThat(Names.isValid("a:b")).isFalse();
    assertThat(Names.isValid("é")).isFalse();
    assertThat(Names.isValid("")).isFalse();
    assertThat(Names.isValid("A&B")).isFalse();
    assertThat(Names.isValid("A|B")).isFalse();
    assertThat(Names.isValid("(A)")).isFalse();
    assertThat(Names.whyInvalid("A&B")).isEqualTo("may not contain '&': &, |, ( and ) compose cloud expressions in scopes");
  }
}
