package io.oscope.scope;

import java.util.HashMap;
import java.util.Map;

/**
 * A strict parser for the one JSON shape a scope has: a flat object of strings. Hand-written so
 * that the proxy's hot path decodes a scope without a general JSON library or a tree; every
 * failure is a {@link MalformedScopeException} whose message names the problem and its offset.
 */
final class ScopeJson {
  private final CharSequence in;
  private int pos;

  private ScopeJson(CharSequence in) {
    this.in = in;
  }

  static Scope parse(CharSequence json) {
    if (json == null) throw new MalformedScopeException("scope is missing");
    return new ScopeJson(json).object();
  }

  private Scope object() {
    skipSpace();
    if (pos == in.length()) throw new MalformedScopeException("scope is empty");
    char first = in.charAt(pos);
    if (first != '{') {
      throw new MalformedScopeException(
          "scope must be a JSON object mapping service types to cloud names, got " + kindAt(pos));
    }
    pos++;
    Map<String, CloudExpression> entries = new HashMap<>(8);
    skipSpace();
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        skipSpace();
        if (peek() != '"') throw unexpected("a service type in double quotes");
        String type = string();
        skipSpace();
        expect(':');
        skipSpace();
        if (peek() != '"') {
          throw new MalformedScopeException(
              "scope value for '" + printable(type) + "' must be a string naming a cloud, got "
                  + kindAt(pos));
        }
        String cloud = string();
        // Only a bad name pays for building its message.
        if (!Names.isValid(type)) Scope.requireName("service type", type);
        if (entries.put(type, Scope.expression(type, cloud)) != null) {
          throw new MalformedScopeException("scope names service type '" + type + "' twice");
        }
        skipSpace();
        char next = peek();
        pos++;
        if (next == '}') break;
        if (next != ',') {
          pos--;
          throw unexpected("',' or '}'");
        }
      }
    }
    skipSpace();
    if (pos != in.length()) {
      throw new MalformedScopeException(
          "scope is not valid JSON: unexpected " + describe(in.charAt(pos)) + " after the object at offset " + pos);
    }
    return Scope.trusted(entries);
  }

  private String string() {
    pos++; // opening quote
    int start = pos;
    StringBuilder escaped = null;
    while (true) {
      if (pos >= in.length()) {
        throw new MalformedScopeException("scope is not valid JSON: unterminated string at offset " + (start - 1));
      }
      char c = in.charAt(pos);
      if (c == '"') {
        String value = escaped == null ? in.subSequence(start, pos).toString() : escaped.toString();
        pos++;
        return value;
      }
      if (c < 0x20) {
        throw new MalformedScopeException(
            "scope is not valid JSON: control character in a string at offset " + pos);
      }
      if (c == '\\') {
        if (escaped == null) escaped = new StringBuilder().append(in, start, pos);
        escaped.append(escape());
      } else {
        if (escaped != null) escaped.append(c);
        pos++;
      }
    }
  }

  private char escape() {
    int at = pos;
    pos++;
    if (pos >= in.length()) throw new MalformedScopeException("scope is not valid JSON: unterminated escape at offset " + at);
    char c = in.charAt(pos++);
    switch (c) {
      case '"': return '"';
      case '\\': return '\\';
      case '/': return '/';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case 'u':
        if (pos + 4 > in.length()) throw badEscape(at);
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(in.charAt(pos++), 16);
          if (digit < 0) throw badEscape(at);
          code = code * 16 + digit;
        }
        return (char) code;
      default:
        throw badEscape(at);
    }
  }

  private MalformedScopeException badEscape(int at) {
    return new MalformedScopeException("scope is not valid JSON: invalid escape at offset " + at);
  }

  private void expect(char c) {
    if (peek() != c) throw unexpected("'" + c + "'");
    pos++;
  }

  private char peek() {
    return pos < in.length() ? in.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      pos++;
    }
  }

  private MalformedScopeException unexpected(String wanted) {
    String found = pos < in.length() ? describe(in.charAt(pos)) : "the end";
    return new MalformedScopeException(
        "scope is not valid JSON: expected " + wanted + " at offset " + pos + ", found " + found);
  }

  private String kindAt(int at) {
    if (at >= in.length()) return "the end (not valid JSON)";
    char c = in.charAt(at);
    switch (c) {
      case '[': return "an array";
      case '{': return "an object";
      case '"': return "a string";
      case 't': case 'f': return "a boolean";
      case 'n': return "null";
      default:
        return c == '-' || (c >= '0' && c <= '9') ? "a number" : describe(c) + " (not valid JSON)";
    }
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }

  /** A name as it may be shown in a message: control and non-ASCII characters escaped. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), Names.MAX_LENGTH + 3));
    for (int i = 0; i < name.length(); i++) {
      if (out.length() > Names.MAX_LENGTH) return out.append("...").toString();
      char c = name.charAt(i);
      if (c >= 0x20 && c < 0x7f) out.append(c);
      else out.append(String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }
}
