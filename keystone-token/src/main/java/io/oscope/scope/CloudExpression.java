package io.oscope.scope;

import java.util.List;
import java.util.Set;

/**
 * The value of a service type in a scope: one cloud, or clouds composed with {@code &} (all of
 * them: fan-out) and {@code |} (the first that answers: failover). {@code &} binds tighter than
 * {@code |}; parentheses group; spaces and tabs between tokens are optional. Nested operators of
 * the same kind are flattened, and a cloud may be named once only.
 *
 * <pre>{@code
 * CloudExpression e = CloudExpression.parse("CloudOne|(CloudTwo & CloudThree)");
 * e.toString(); // "CloudOne | CloudTwo & CloudThree"
 * e.clouds();   // [CloudOne, CloudTwo, CloudThree]
 * }</pre>
 *
 * <p>Positions in error messages are 0-based character offsets into the expression's text.
 */
public sealed interface CloudExpression {
  /** Deepest nesting of parentheses accepted: far beyond any real use, it bounds the recursion. */
  int MAX_DEPTH = 16;

  /**
   * Parses an expression.
   *
   * @throws MalformedScopeException naming the 0-based position and what was expected there, e.g.
   *     {@code at position 9: expected a cloud name or '(' but found '&'}
   */
  static CloudExpression parse(CharSequence text) {
    if (text == null) throw new MalformedScopeException("cloud expression is missing");
    return CloudExpressionParser.parse(text);
  }

  /** Every cloud named, in the order of the text. */
  Set<String> clouds();

  /** Whether this is one plain cloud. */
  default boolean isSingle() {
    return this instanceof Cloud;
  }

  /** One cloud, by name. */
  record Cloud(String name) implements CloudExpression {
    public Cloud {
      if (name == null || !Names.isValid(name)) {
        throw new MalformedScopeException("cloud name '" + (name == null ? "null" : ScopeJson.printable(name))
            + "' " + (name == null ? "is missing" : Names.whyInvalid(name)));
      }
    }

    @Override
    public Set<String> clouds() {
      return Set.of(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code a | b | …}: the alternatives, tried in order. */
  record AnyOf(List<CloudExpression> alternatives) implements CloudExpression {
    public AnyOf {
      alternatives = Compound.flatten(alternatives, AnyOf.class, "|");
    }

    @Override
    public Set<String> clouds() {
      return Compound.clouds(alternatives);
    }

    @Override
    public String toString() {
      return Compound.join(alternatives, " | ", null);
    }
  }

  /** {@code a & b & …}: every operand, all at once. */
  record AllOf(List<CloudExpression> operands) implements CloudExpression {
    public AllOf {
      operands = Compound.flatten(operands, AllOf.class, "&");
    }

    @Override
    public Set<String> clouds() {
      return Compound.clouds(operands);
    }

    @Override
    public String toString() {
      return Compound.join(operands, " & ", AnyOf.class);
    }
  }
}
