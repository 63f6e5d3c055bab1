package io.oscope.http1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The grammar of an HTTP/1.x header section (RFC 9112 section 5), read from bytes in an array:
 * where lines end, whether names and values are valid, names compared ignoring ASCII case. What
 * {@link RequestHead} and {@link ResponseHead} share; each says in its own words what is wrong.
 */
final class HeaderBytes {
  /** Eight bytes of an array at once, for {@link #valueEnd}. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long SPACES = 0x2020202020202020L;
  private static final long DELS = 0x7f7f7f7f7f7f7f7fL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** RFC 9110 section 5.6.2's tchar; the codec imports nothing of oscope, so it keeps its own table. */
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
  }

  private HeaderBytes() {}

  static boolean isTokenChar(byte b) {
    return b >= 0 && TCHAR[b];
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
      if (!isTokenChar(bytes[i])) return false;
    }
    return true;
  }

  /** {@link #fieldLine}: the line read was the empty one that ends the section. */
  static final int SECTION_END = -1;
  /** {@link #fieldLine}: the line starts with a space or tab (obsolete line folding). */
  static final int FOLDED = -2;
  /** {@link #fieldLine}: the name is empty or not a token, or there is no colon. */
  static final int INVALID_NAME = -3;
  /** {@link #fieldLine}: a control character (not a tab) or DEL in the value, or a CR without LF. */
  static final int INVALID_VALUE = -4;
  /** {@link #fieldLine}: the section ends before its empty line. */
  static final int UNTERMINATED = -5;

  /**
   * Reads the field line at {@code line}: puts its name's start and end (the colon) and its
   * value's start and end (spaces around it trimmed) into {@code into} from {@code at}, and returns
   * where the next line starts; or {@link #SECTION_END}, or a negative code saying what is wrong.
   */
  static int fieldLine(byte[] bytes, int line, int length, int[] into, int at) {
    if (line >= length) return UNTERMINATED;
    byte first = bytes[line];
    if (first == '\n') return SECTION_END;
    if (first == '\r') return line + 1 < length && bytes[line + 1] == '\n' ? SECTION_END : INVALID_NAME;
    if (first == ' ' || first == '\t') return FOLDED;
    int colon = nameEnd(bytes, line, length);
    if (colon < 0) return INVALID_NAME;
    int valueStart = skipSpaces(bytes, colon + 1, length);
    int lineEnd = valueEnd(bytes, valueStart, length);
    if (lineEnd < 0) return indexOf(bytes, valueStart, length, (byte) '\n') < 0 ? UNTERMINATED : INVALID_VALUE;
    into[at] = line;
    into[at + 1] = colon;
    into[at + 2] = valueStart;
    into[at + 3] = trimSpaces(bytes, valueStart, lineEnd);
    return next(bytes, lineEnd);
  }

  /**
   * Where the name of the field line at {@code from} ends: the index of its colon; -1 if the name
   * is empty or a byte before the colon is not a token character (a line without a colon too).
   */
  static int nameEnd(byte[] bytes, int from, int end) {
    for (int i = from; i < end; i++) {
      byte b = bytes[i];
      if (b == ':') return i > from ? i : -1;
      if (!isTokenChar(b)) return -1;
    }
    return -1;
  }

  /**
   * Where the field value (or request line) from {@code from} ends: the index of its CR LF, or of
   * a bare LF; -1 if a control character other than a tab, a DEL or a CR without LF comes first,
   * or no LF comes before {@code end}. Reads eight bytes at a time while none of them is a control
   * character or DEL (tokens of hundreds of bytes are the common case), then byte by byte.
   */
  static int valueEnd(byte[] bytes, int from, int end) {
    int i = from;
    while (i < end) {
      if (i + 8 <= end) {
        long word = (long) LONGS.get(bytes, i);
        long dels = word ^ DELS;
        // A high bit per byte below 0x20 (obs-text excluded: its own high bit is set) or equal to 0x7f.
        if ((((word - SPACES) & ~word | (dels - ONES) & ~dels) & HIGH_BITS) == 0) {
          i += 8;
          continue;
        }
      }
      for (int stop = Math.min(i + 8, end); i < stop; i++) {
        byte b = bytes[i];
        if (b >= ' ' && b != 0x7f || b < 0 || b == '\t') continue;
        if (b == '\n') return i;
        if (b == '\r' && i + 1 < end && bytes[i + 1] == '\n') return i;
        return -1;
      }
    }
    return -1;
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
   * Reads the element of a comma-separated list value that starts at {@code from} (the list ends
   * at {@code to}): puts its start and end, spaces trimmed, into {@code into}, and returns where
   * the next element starts (past {@code to} after the last one).
   */
  static int listElement(byte[] bytes, int from, int to, int[] into) {
    int comma = indexOf(bytes, from, to, (byte) ',');
    int end = comma < 0 ? to : comma;
    into[0] = skipSpaces(bytes, from, end);
    into[1] = trimSpaces(bytes, into[0], end);
    return end + 1;
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
