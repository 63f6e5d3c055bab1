package io.oscope.proxy;

import io.oscope.scope.Names;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The grammar of an HTTP/1.x header section (RFC 9112 section 5), read from bytes in an array:
 * where lines end, whether names and values are valid, names compared ignoring ASCII case. What
 * {@link RequestHead} and {@link ResponseHead} share; each says in its own words what is wrong.
 */
final class HeaderBytes {
  private HeaderBytes() {}

  /** {@code text}'s ASCII bytes, for the constants heads are compared with and written from. */
  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the {@code length} bytes at {@code at} are {@code lowerCase}, ignoring ASCII case. */
  static boolean is(byte[] bytes, int at, int length, byte[] lowerCase) {
    if (length != lowerCase.length) return false;
    for (int i = 0; i < length; i++) {
      if (lower(bytes[at + i]) != lowerCase[i]) return false;
    }
    return true;
  }

  /** Whether the {@code length} bytes at {@code a} and at {@code b} are the same, ignoring ASCII case. */
  static boolean sameIgnoringCase(byte[] bytes, int a, int b, int length) {
    for (int i = 0; i < length; i++) {
      if (lower(bytes[a + i]) != lower(bytes[b + i])) return false;
    }
    return true;
  }

  private static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
  }

  /** Whether the bytes from {@code from} to {@code to} are a token (a header name, a method): not empty. */
  static boolean isToken(byte[] bytes, int from, int to) {
    if (to <= from) return false;
    for (int i = from; i < to; i++) {
      if (!Names.isTokenChar(bytes[i])) return false;
    }
    return true;
  }

  /** Whether the bytes are a field value: visible characters, spaces, tabs, obs-text; no control characters. */
  static boolean isValue(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b >= 0 && b < ' ' && b != '\t' || b == 0x7f) return false;
    }
    return true;
  }

  /** The end of the line starting at {@code from}, before its CR LF (or bare LF); -1 if it has no LF. */
  static int lineEnd(byte[] bytes, int from, int end) {
    int lf = indexOf(bytes, from, end, (byte) '\n');
    if (lf < 0) return -1;
    return lf > from && bytes[lf - 1] == '\r' ? lf - 1 : lf;
  }

  /** Whether the non-empty line at {@code line} continues the previous one (obsolete line folding). */
  static boolean folded(byte[] bytes, int line, int lineEnd) {
    return lineEnd > line && (bytes[line] == ' ' || bytes[line] == '\t');
  }

  /** The start of the line after the one ending (before its CR LF) at {@code lineEnd}. */
  static int next(byte[] bytes, int lineEnd) {
    return bytes[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
  }

  static int skipSpaces(byte[] bytes, int from, int to) {
    while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) from++;
    return from;
  }

  static int trimSpaces(byte[] bytes, int from, int to) {
    while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) to--;
    return to;
  }

  static int indexOf(byte[] bytes, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == value) return i;
    }
    return -1;
  }

  /**
   * The value of a {@code Content-Length} field, given the one read before ({@code previous}, -1
   * if none): "5, 5" and repeated equal fields are allowed; -1 for anything else (not digits,
   * over 18 of them, values that differ).
   */
  static long contentLength(byte[] bytes, int from, int to, long previous) {
    long length = previous;
    for (int token = from; token <= to; ) {
      int comma = indexOf(bytes, token, to, (byte) ',');
      int tokenEnd = comma < 0 ? to : comma;
      int start = skipSpaces(bytes, token, tokenEnd);
      int end = trimSpaces(bytes, start, tokenEnd);
      if (end == start || end - start > 18) return -1;
      long value = 0;
      for (int i = start; i < end; i++) {
        byte digit = bytes[i];
        if (digit < '0' || digit > '9') return -1;
        value = value * 10 + digit - '0';
      }
      if (length >= 0 && length != value) return -1;
      length = value;
      token = tokenEnd + 1;
    }
    return length;
  }

  /** Sets pair {@code index} of {@code pairs} to ({@code start}, {@code end}); returns the array, grown if need be. */
  static int[] add(int[] pairs, int index, int start, int end) {
    int[] grown = pairs.length < 2 * index + 2 ? Arrays.copyOf(pairs, Math.max(4, pairs.length * 2)) : pairs;
    grown[2 * index] = start;
    grown[2 * index + 1] = end;
    return grown;
  }
}
