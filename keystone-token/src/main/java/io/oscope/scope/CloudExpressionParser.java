package io.oscope.scope;

import io.oscope.scope.CloudExpression.AllOf;
import io.oscope.scope.CloudExpression.AnyOf;
import io.oscope.scope.CloudExpression.Cloud;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser of {@link CloudExpression}s:
 *
 * <pre>
 * expression = term *( "|" term )
 * term       = factor *( "&amp;" factor )
 * factor     = name / "(" expression ")"
 * name       = 1*64( tchar except "&amp;" and "|" )
 * </pre>
 *
 * with optional spaces and tabs between tokens. The Python plugin's parser
 * ({@code oscope_scope/scope.py}) mirrors this one message for message.
 */
final class CloudExpressionParser {
  private final CharSequence in;
  private final Set<String> seen = new HashSet<>();
  private int pos;
  private int depth;

  private CloudExpressionParser(CharSequence in) {
    this.in = in;
  }

  static CloudExpression parse(CharSequence text) {
    CloudExpressionParser parser = new CloudExpressionParser(text);
    CloudExpression result = parser.expression();
    if (parser.pos < text.length()) throw parser.unexpected("'&', '|' or the end");
    return result;
  }

  private CloudExpression expression() {
    CloudExpression first = term();
    if (peek() != '|') return first;
    List<CloudExpression> alternatives = new ArrayList<>(4);
    alternatives.add(first);
    while (peek() == '|') {
      pos++;
      alternatives.add(term());
    }
    return new AnyOf(alternatives);
  }

  private CloudExpression term() {
    CloudExpression first = factor();
    if (peek() != '&') return first;
    List<CloudExpression> operands = new ArrayList<>(4);
    operands.add(first);
    while (peek() == '&') {
      pos++;
      operands.add(factor());
    }
    return new AllOf(operands);
  }

  /** A name or a parenthesised expression, and the spaces after it. */
  private CloudExpression factor() {
    skipSpace();
    int start = pos;
    if (pos < in.length() && in.charAt(pos) == '(') {
      if (++depth > CloudExpression.MAX_DEPTH) {
        throw at(start, "parentheses nested deeper than " + CloudExpression.MAX_DEPTH);
      }
      pos++;
      CloudExpression inner = expression();
      if (peek() != ')') throw unexpected("'&', '|' or ')'");
      pos++;
      depth--;
      skipSpace();
      return inner;
    }
    while (pos < in.length() && Names.isNameChar(in.charAt(pos))) pos++;
    if (pos == start) throw unexpected("a cloud name or '('");
    if (pos - start > Names.MAX_LENGTH) {
      throw at(start, "a cloud name is longer than " + Names.MAX_LENGTH + " characters");
    }
    String name = in.subSequence(start, pos).toString();
    if (!seen.add(name)) throw at(start, "cloud '" + name + "' is named twice");
    skipSpace();
    return new Cloud(name);
  }

  /** The next character after spaces, or {@code '\0'} at the end. */
  private char peek() {
    skipSpace();
    return pos < in.length() ? in.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < in.length() && (in.charAt(pos) == ' ' || in.charAt(pos) == '\t')) pos++;
  }

  private MalformedScopeException unexpected(String expected) {
    String found = pos < in.length() ? describe(in.charAt(pos)) : "the end";
    return at(pos, "expected " + expected + " but found " + found);
  }

  private static MalformedScopeException at(int position, String problem) {
    return new MalformedScopeException("at position " + position + ": " + problem);
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }
}
