package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the expression parser over generated inputs, with fixed seeds (in the assertion
 * message of a failure) so that a failure reproduces.
 */
class CloudExpressionPropertyTest {
  private static final String ALPHABET = "ABC&|() \tx-.!~é\n,";

  @Test
  void anyInputParsesOrFailsWithTheDocumentedExceptionNamingAPosition() {
    for (long seed = 0; seed < 50_000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      String input = noise(random);
      assertThatCode(() -> {
            try {
              CloudExpression parsed = CloudExpression.parse(input);
              // What parses prints back to canonical text that parses to the same expression.
              assertThat(CloudExpression.parse(parsed.toString())).isEqualTo(parsed);
              assertThat(parsed.toString()).isEqualTo(canonicalOf(parsed));
            } catch (MalformedScopeException expected) {
              assertThat(expected.getMessage()).matches("at position \\d+: .+");
              int position = Integer.parseInt(expected.getMessage().replaceAll("at position (\\d+):.*", "$1"));
              assertThat(position).isBetween(0, input.length());
            }
          })
          .as("seed %d, input %s", seed, input)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everyGeneratedExpressionSurvivesARoundTripThroughItsTextAndAScope() {
    for (long seed = 0; seed < 5_000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      String text = expression(random, 0, new int[] {0});
      CloudExpression parsed = CloudExpression.parse(text);

      assertThat(CloudExpression.parse(parsed.toString())).as("seed %d: %s", seed, text).isEqualTo(parsed);
      Scope scope = Scope.parse("{\"image\": \"" + text.replace("\t", "\\t") + "\"}");
      assertThat(scope.expressionOf("image")).as("seed %d: %s", seed, text).isEqualTo(parsed);
      assertThat(Scope.parse(scope.toJson())).isEqualTo(scope);
    }
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "(".repeat(100_000) + "A" + ")".repeat(100_000);
    assertThatCode(() -> {
          try {
            CloudExpression.parse(deep);
          } catch (MalformedScopeException expected) {
            assertThat(expected).hasMessageContaining("nested deeper than");
          }
        })
        .doesNotThrowAnyException();
  }

  /** The canonical text computed independently of toString: operators spaced, | inside & bracketed. */
  private static String canonicalOf(CloudExpression expression) {
    if (expression instanceof CloudExpression.Cloud cloud) return cloud.name();
    if (expression instanceof CloudExpression.AnyOf any) {
      return String.join(" | ", any.alternatives().stream().map(CloudExpressionPropertyTest::canonicalOf).toList());
    }
    return String.join(" & ", ((CloudExpression.AllOf) expression).operands().stream()
        .map(e -> e instanceof CloudExpression.AnyOf ? "(" + canonicalOf(e) + ")" : canonicalOf(e)).toList());
  }

  private static String noise(SplittableRandom random) {
    int length = random.nextInt(24);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    return out.toString();
  }

  /** A valid expression with distinct cloud names, random spacing and redundant parentheses. */
  private static String expression(SplittableRandom random, int depth, int[] names) {
    int kind = depth > 3 ? 0 : random.nextInt(4);
    String space = random.nextBoolean() ? "" : random.nextBoolean() ? " " : "\t ";
    if (kind == 0) return "Cloud" + names[0]++;
    if (kind == 1) return "(" + space + expression(random, depth + 1, names) + space + ")";
    String operator = kind == 2 ? "|" : "&";
    StringBuilder out = new StringBuilder();
    for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
      if (i > 0) out.append(space).append(operator).append(space);
      out.append('(').append(expression(random, depth + 1, names)).append(')');
    }
    return out.toString();
  }
}
