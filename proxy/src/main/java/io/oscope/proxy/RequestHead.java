package io.oscope.proxy;

import static io.oscope.proxy.HeaderBytes.ascii;
import static io.oscope.proxy.HeaderBytes.indexOf;
import static io.oscope.proxy.HeaderBytes.is;
import static io.oscope.proxy.HeaderBytes.isToken;
import static io.oscope.proxy.HeaderBytes.next;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The head of one client request, read straight from its bytes: method, target, version, how its
 * body is framed, and where each header's name and value are. Header values become strings only
 * when asked for (the {@code Host}, a scope seen for the first time); the head for upstream is
 * written from the bytes ({@link HeaderRules}). Immutable once parsed.
 *
 * <p>Refuses (400) what RFC 9112 says a proxy must not pass on: both {@code Content-Length} and
 * {@code Transfer-Encoding}, a transfer coding other than chunked, conflicting lengths, more than
 * one {@code Host}, folded lines, control characters, names that are not tokens.
 */
final class RequestHead {
  static final byte[] HOST = ascii("host");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] EXPECT = ascii("expect");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  private static final byte[] CONTINUE = ascii("100-continue");
  private static final byte[] HTTP_1 = ascii("HTTP/1.");
  private static final HttpMethod[] KNOWN = {HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST, HttpMethod.HEAD,
      HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT};
  private static final byte[][] KNOWN_BYTES = Arrays.stream(KNOWN).map(m -> ascii(m.name())).toArray(byte[][]::new);

  private final byte[] bytes;
  /** Per header line: name start, name end, value start, value end. */
  private final int[] fields;
  private final int count;
  private final HttpMethod method;
  private final int methodEnd;
  private final String target;
  private final boolean http11;
  private final long contentLength;
  private final boolean chunked;
  private final boolean keepAlive;
  private final boolean expectsContinue;
  private final boolean connectionNamesOthers;

  /**
   * Parses the head in {@code bytes} from 0 to {@code length}: the request line to the empty line.
   *
   * @throws ProxyException with a 400 or 414 error if it is not a head this proxy passes on
   */
  RequestHead(byte[] bytes, int length, int maxLineBytes) {
    this.bytes = bytes;
    int lineEnd = HeaderBytes.valueEnd(bytes, 0, length);
    if (lineEnd < 0) throw malformed("an invalid request line");
    if (lineEnd > maxLineBytes) throw new ProxyException(new ProxyError.RequestTooLarge(414, "request line", maxLineBytes));
    int space = indexOf(bytes, 0, lineEnd, (byte) ' ');
    if (space <= 0 || !isToken(bytes, 0, space)) throw malformed("an invalid method");
    methodEnd = space;
    method = method(bytes, space);
    int targetStart = space + 1;
    int targetEnd = indexOf(bytes, targetStart, lineEnd, (byte) ' ');
    if (targetEnd <= targetStart) throw malformed("an invalid request line");
    for (int i = targetStart; i < targetEnd; i++) {
      if (bytes[i] <= ' ' || bytes[i] == 0x7f) throw malformed("an invalid request target");
    }
    target = new String(bytes, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    if (lineEnd - targetEnd != 9 || !Arrays.equals(bytes, targetEnd + 1, targetEnd + 8, HTTP_1, 0, HTTP_1.length)
        || bytes[lineEnd - 1] != '0' && bytes[lineEnd - 1] != '1') {
      throw malformed("a version other than HTTP/1.0 or HTTP/1.1");
    }
    http11 = bytes[lineEnd - 1] == '1';

    int[] found = new int[4 * 16];
    int n = 0;
    long bodyLength = -1;
    boolean isChunked = false;
    boolean close = false;
    boolean keepAliveToken = false;
    boolean otherNames = false;
    boolean expects = false;
    boolean host = false;
    for (int next = next(bytes, lineEnd); ; n++) {
      if (4 * n + 4 > found.length) found = Arrays.copyOf(found, found.length * 2);
      next = fieldLine(bytes, next, length, found, 4 * n, "header");
      if (next < 0) break; // the empty line
      int line = found[4 * n];
      int colon = found[4 * n + 1];
      int valueStart = found[4 * n + 2];
      int valueEnd = found[4 * n + 3];
      int nameLength = colon - line;
      switch (nameLength) {
        case 4 -> {
          if (is(bytes, line, nameLength, HOST)) {
            if (host) throw malformed("more than one Host header");
            host = true;
          }
        }
        case 6 -> {
          if (is(bytes, line, nameLength, EXPECT)) expects = is(bytes, valueStart, valueEnd - valueStart, CONTINUE);
        }
        case 10 -> {
          if (is(bytes, line, nameLength, CONNECTION)) {
            int[] token = new int[2];
            for (int at = valueStart; at < valueEnd; ) {
              at = HeaderBytes.listElement(bytes, at, valueEnd, token);
              int tokenLength = token[1] - token[0];
              if (is(bytes, token[0], tokenLength, CLOSE)) close = true;
              else if (is(bytes, token[0], tokenLength, KEEP_ALIVE)) keepAliveToken = true;
              else if (tokenLength > 0) otherNames = true;
            }
          }
        }
        case 14 -> {
          if (is(bytes, line, nameLength, CONTENT_LENGTH)) {
            bodyLength = HeaderBytes.contentLength(bytes, valueStart, valueEnd, bodyLength);
            if (bodyLength < 0) throw malformed("an invalid or conflicting Content-Length");
          }
        }
        case 17 -> {
          if (is(bytes, line, nameLength, TRANSFER_ENCODING)) {
            if (isChunked || !is(bytes, valueStart, valueEnd - valueStart, CHUNKED)) {
              throw malformed("a Transfer-Encoding other than chunked");
            }
            isChunked = true;
          }
        }
        default -> { }
      }
    }
    if (isChunked && bodyLength >= 0) throw malformed("both Content-Length and Transfer-Encoding");
    if (isChunked && !http11) throw malformed("Transfer-Encoding in an HTTP/1.0 request");
    fields = found;
    count = n;
    contentLength = bodyLength;
    chunked = isChunked;
    keepAlive = http11 ? !close : keepAliveToken && !close;
    expectsContinue = expects && http11;
    connectionNamesOthers = otherNames;
  }

  /** Parses {@code text} (ISO-8859-1), for tests and benchmarks. */
  static RequestHead of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return new RequestHead(bytes, bytes.length, ScopeProxy.MAX_LINE_BYTES);
  }

  HttpMethod method() {
    return method;
  }

  /** The request target as written: a path and query, or an absolute URI. */
  String target() {
    return target;
  }

  /** HTTP/1.1, else HTTP/1.0. */
  boolean http11() {
    return http11;
  }

  /** Whether a body follows: chunked, or a Content-Length other than 0. */
  boolean hasBody() {
    return chunked || contentLength > 0;
  }

  /** The body's length, or -1 when it is chunked or absent. */
  long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return chunked;
  }

  /** Whether the client keeps the connection open after the response (RFC 9112 section 9.3). */
  boolean keepAlive() {
    return keepAlive;
  }

  /** Whether an HTTP/1.1 client waits for {@code 100 Continue} before sending the body. */
  boolean expectsContinue() {
    return expectsContinue;
  }

  /** Whether {@code Connection} names headers besides close and keep-alive (hop-by-hop too). */
  boolean connectionNamesOthers() {
    return connectionNamesOthers;
  }

  /** The number of header lines. */
  int count() {
    return count;
  }

  /** The bytes the head was read from; positions below index into them. Not to be modified. */
  byte[] bytes() {
    return bytes;
  }

  int nameStart(int header) {
    return fields[4 * header];
  }

  int nameEnd(int header) {
    return fields[4 * header + 1];
  }

  int valueStart(int header) {
    return fields[4 * header + 2];
  }

  int valueEnd(int header) {
    return fields[4 * header + 3];
  }

  /** Whether header {@code header}'s name is {@code lowerCase}, ignoring case. */
  boolean nameIs(int header, byte[] lowerCase) {
    int start = fields[4 * header];
    return is(bytes, start, fields[4 * header + 1] - start, lowerCase);
  }

  /** The index of the first header named {@code lowerCase}, or -1. */
  int find(byte[] lowerCase) {
    return find(lowerCase, 0);
  }

  /** The index of the first header named {@code lowerCase} from index {@code from} on, or -1. */
  int find(byte[] lowerCase, int from) {
    for (int i = from; i < count; i++) {
      if (nameIs(i, lowerCase)) return i;
    }
    return -1;
  }

  /** The first value of the header named {@code lowerCase}, or null. */
  String value(byte[] lowerCase) {
    int i = find(lowerCase);
    return i < 0 ? null : value(i);
  }

  /** Header {@code header}'s value, its bytes as ISO-8859-1 characters. */
  String value(int header) {
    int start = valueStart(header);
    return new String(bytes, start, valueEnd(header) - start, StandardCharsets.ISO_8859_1);
  }

  /** Header {@code header}'s name as the client wrote it. */
  String name(int header) {
    int start = nameStart(header);
    return new String(bytes, start, nameEnd(header) - start, StandardCharsets.ISO_8859_1);
  }

  /** Writes the method as the client did. */
  void writeMethod(ByteBuf out) {
    out.writeBytes(bytes, 0, methodEnd);
  }

  private static HttpMethod method(byte[] bytes, int length) {
    for (int i = 0; i < KNOWN.length; i++) {
      byte[] known = KNOWN_BYTES[i];
      if (known.length == length && Arrays.equals(bytes, 0, length, known, 0, length)) return KNOWN[i];
    }
    return HttpMethod.valueOf(new String(bytes, 0, length, StandardCharsets.US_ASCII));
  }

  /**
   * The trailer section of a chunked body, {@code length} bytes of {@code bytes} up to its empty
   * line, checked as header lines are and written again as {@code name: value} lines.
   *
   * @throws ProxyException with a 400 error if a line is not a valid header line
   */
  static byte[] trailerLines(byte[] bytes, int length) {
    byte[] out = new byte[2 * length]; // a line grows by at most a space and a CR
    int[] field = new int[4];
    int written = 0;
    for (int next = fieldLine(bytes, 0, length, field, 0, "trailer"); next >= 0;
        next = fieldLine(bytes, next, length, field, 0, "trailer")) {
      int nameLength = field[1] - field[0];
      System.arraycopy(bytes, field[0], out, written, nameLength);
      written += nameLength;
      out[written++] = ':';
      out[written++] = ' ';
      System.arraycopy(bytes, field[2], out, written, field[3] - field[2]);
      written += field[3] - field[2];
      out[written++] = '\r';
      out[written++] = '\n';
    }
    return Arrays.copyOf(out, written);
  }

  /**
   * {@link HeaderBytes#fieldLine}, its problems as 400 errors.
   *
   * @param kind "header" or "trailer", for the error's message
   */
  private static int fieldLine(byte[] bytes, int line, int length, int[] into, int at, String kind) {
    int next = HeaderBytes.fieldLine(bytes, line, length, into, at);
    return switch (next) {
      case HeaderBytes.FOLDED -> throw malformed("a folded " + kind + " line");
      case HeaderBytes.INVALID_NAME -> throw malformed("an invalid " + kind + " name");
      case HeaderBytes.INVALID_VALUE -> throw malformed("a control character in a " + kind);
      case HeaderBytes.UNTERMINATED -> throw malformed("an unterminated " + kind + " section");
      default -> next;
    };
  }

  static ProxyException malformed(String problem) {
    return new ProxyException(new ProxyError.MalformedRequest(problem));
  }
}
