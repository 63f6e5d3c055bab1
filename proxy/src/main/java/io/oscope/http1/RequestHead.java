package io.oscope.http1;

import static io.oscope.http1.HeaderNames.ascii;
import static io.oscope.http1.HeaderBytes.indexOf;
import static io.oscope.http1.HeaderBytes.is;
import static io.oscope.http1.HeaderBytes.isToken;
import static io.oscope.http1.HeaderBytes.next;

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
 * {@code Transfer-Encoding}, a transfer coding other than chunked, conflicting lengths, an HTTP/1.1
 * request without {@code Host}, more than one, an invalid one, folded lines, control characters,
 * names that are not tokens, a target with a fragment or with userinfo. Problems never quote the
 * target nor a value: they are logged and answered.
 */
public final class RequestHead {
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
  /** The framing fields, kept for the names {@code Connection} lists; null when it lists none. */
  private final FramingFields connectionListed;

  /**
   * Parses the head in {@code bytes} from 0 to {@code length}: the request line to the empty line.
   *
   * @throws Http1Violation (400 or 414) if it is not a head this proxy passes on
   */
  RequestHead(byte[] bytes, int length, int maxLineBytes) {
    this.bytes = bytes;
    int lineEnd = HeaderBytes.valueEnd(bytes, 0, length);
    if (lineEnd < 0) throw malformed("an invalid request line");
    if (lineEnd > maxLineBytes) throw new Http1Violation(414, "the request line exceeds " + maxLineBytes + " bytes");
    int space = indexOf(bytes, 0, lineEnd, (byte) ' ');
    if (space <= 0 || !isToken(bytes, 0, space)) throw malformed("an invalid method");
    methodEnd = space;
    method = method(bytes, space);
    int targetStart = space + 1;
    int targetEnd = indexOf(bytes, targetStart, lineEnd, (byte) ' ');
    if (targetEnd <= targetStart) throw malformed("an invalid request line");
    for (int i = targetStart; i < targetEnd; i++) {
      byte b = bytes[i];
      if (b <= ' ' || b == 0x7f) throw malformed("an invalid request target");
      // A fragment is the client's alone (RFC 9110 section 4.2.5): a target never carries one.
      if (b == '#') throw malformed("a fragment in the request target");
    }
    boolean absoluteForm = bytes[targetStart] != '/' && absoluteForm(bytes, targetStart, targetEnd);
    target = new String(bytes, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
    if (lineEnd - targetEnd != 9 || !Arrays.equals(bytes, targetEnd + 1, targetEnd + 8, HTTP_1, 0, HTTP_1.length)
        || bytes[lineEnd - 1] != '0' && bytes[lineEnd - 1] != '1') {
      throw malformed("a version other than HTTP/1.0 or HTTP/1.1");
    }
    http11 = bytes[lineEnd - 1] == '1';

    int[] found = new int[4 * 16];
    int n = 0;
    FramingFields framing = new FramingFields(400);
    boolean expects = false;
    int host = -1;
    for (int next = next(bytes, lineEnd); ; n++) {
      if (4 * n + 4 > found.length) found = Arrays.copyOf(found, found.length * 2);
      next = fieldLine(bytes, next, length, found, 4 * n, "header");
      if (next < 0) break; // the empty line
      int line = found[4 * n];
      int nameLength = found[4 * n + 1] - line;
      int valueStart = found[4 * n + 2];
      int valueEnd = found[4 * n + 3];
      if (framing.read(bytes, line, nameLength, valueStart, valueEnd) != FramingFields.OTHER) continue;
      if (nameLength == 4 && is(bytes, line, nameLength, HeaderNames.HOST)) {
        if (host >= 0) throw malformed("more than one Host header");
        host = n;
      } else if (nameLength == 6 && is(bytes, line, nameLength, HeaderNames.EXPECT)) {
        expects = is(bytes, valueStart, valueEnd - valueStart, CONTINUE);
      }
    }
    framing.finish();
    if (host >= 0) {
      int from = found[4 * host + 2];
      int to = found[4 * host + 3];
      // An empty Host only stands for a target without authority; an http URI always has one.
      if (from == to ? !absoluteForm : !isAuthority(bytes, from, to)) throw malformed("an invalid Host header");
    } else if (http11) {
      throw malformed("an HTTP/1.1 request without Host"); // RFC 9112 section 3.2
    }
    if (framing.chunked() && !http11) throw malformed("Transfer-Encoding in an HTTP/1.0 request");
    fields = found;
    count = n;
    contentLength = framing.contentLength();
    chunked = framing.chunked();
    keepAlive = framing.keepAlive(http11);
    expectsContinue = expects && http11;
    connectionListed = framing.listsOthers() ? framing : null;
  }

  /**
   * Parses the head in {@code bytes} from 0 to {@code length}, as {@link RequestDecoder} does.
   *
   * @throws Http1Violation (400 or 414) if it is not a head this proxy passes on
   */
  public static RequestHead parse(byte[] bytes, int length, Http1Limits limits) {
    return new RequestHead(bytes, length, limits.requestLine());
  }

  /** Parses {@code text} (ISO-8859-1), for tests and benchmarks. */
  public static RequestHead of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return new RequestHead(bytes, bytes.length, Http1Limits.defaults().requestLine());
  }

  public HttpMethod method() {
    return method;
  }

  /** The request target as written: a path and query, or an absolute URI. */
  public String target() {
    return target;
  }

  /** HTTP/1.1, else HTTP/1.0. */
  public boolean http11() {
    return http11;
  }

  /** Whether a body follows: chunked, or a Content-Length other than 0. */
  public boolean hasBody() {
    return chunked || contentLength > 0;
  }

  /** The body's length, or -1 when it is chunked or absent. */
  public long contentLength() {
    return contentLength;
  }

  public boolean chunked() {
    return chunked;
  }

  /** Whether the client keeps the connection open after the response (RFC 9112 section 9.3). */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** Whether an HTTP/1.1 client waits for {@code 100 Continue} before sending the body. */
  public boolean expectsContinue() {
    return expectsContinue;
  }

  /** Whether {@code Connection} names headers besides close and keep-alive (hop-by-hop too). */
  public boolean connectionNamesOthers() {
    return connectionListed != null;
  }

  /** Whether header {@code header} is one that {@code Connection} names: hop-by-hop, not forwarded. */
  public boolean namedByConnection(int header) {
    int start = nameStart(header);
    return connectionListed != null && connectionListed.lists(bytes, start, nameEnd(header) - start);
  }

  /**
   * Whether header {@code header} frames the body ({@code Content-Length}, {@code
   * Transfer-Encoding}): never copied on, as received values may be lists or repeated; the head
   * for upstream says {@link #contentLength()} or chunked in a line of its own.
   */
  public boolean isFraming(int header) {
    int start = nameStart(header);
    int length = nameEnd(header) - start;
    return length == 14 && is(bytes, start, length, HeaderNames.CONTENT_LENGTH)
        || length == 17 && is(bytes, start, length, HeaderNames.TRANSFER_ENCODING);
  }

  /** Whether header {@code header} is hop-by-hop by its name (RFC 9110 section 7.6.1). */
  public boolean isHopByHop(int header) {
    int start = nameStart(header);
    return HeaderNames.isHopByHop(bytes, start, nameEnd(header) - start);
  }

  /**
   * Whether a {@code Via} header lists {@code receivedBy} (compared exactly) as an intermediary:
   * {@code received-protocol RWS received-by [RWS comment]}, elements separated by commas.
   */
  public boolean viaLists(byte[] receivedBy) {
    for (int i = find(HeaderNames.VIA); i >= 0; i = find(HeaderNames.VIA, i + 1)) {
      int end = valueEnd(i);
      for (int element = valueStart(i); element < end; ) {
        int comma = indexOf(bytes, element, end, (byte) ',');
        int elementEnd = comma < 0 ? end : comma;
        int protocolEnd = HeaderBytes.skipSpaces(bytes, element, elementEnd);
        while (protocolEnd < elementEnd && bytes[protocolEnd] != ' ' && bytes[protocolEnd] != '\t') protocolEnd++;
        int by = HeaderBytes.skipSpaces(bytes, protocolEnd, elementEnd);
        int byEnd = by;
        while (byEnd < elementEnd && bytes[byEnd] != ' ' && bytes[byEnd] != '\t') byEnd++;
        if (Arrays.equals(bytes, by, byEnd, receivedBy, 0, receivedBy.length)) return true;
        element = elementEnd + 1;
      }
    }
    return false;
  }

  /** The number of header lines. */
  public int count() {
    return count;
  }

  /** The bytes the head was read from; positions below index into them. Not to be modified. */
  public byte[] bytes() {
    return bytes;
  }

  public int nameStart(int header) {
    return fields[4 * header];
  }

  public int nameEnd(int header) {
    return fields[4 * header + 1];
  }

  public int valueStart(int header) {
    return fields[4 * header + 2];
  }

  public int valueEnd(int header) {
    return fields[4 * header + 3];
  }

  /** Whether header {@code header}'s name is {@code lowerCase}, ignoring case. */
  public boolean nameIs(int header, byte[] lowerCase) {
    int start = fields[4 * header];
    return is(bytes, start, fields[4 * header + 1] - start, lowerCase);
  }

  /** The index of the first header named {@code lowerCase}, or -1. */
  public int find(byte[] lowerCase) {
    return find(lowerCase, 0);
  }

  /** The index of the first header named {@code lowerCase} from index {@code from} on, or -1. */
  public int find(byte[] lowerCase, int from) {
    for (int i = from; i < count; i++) {
      if (nameIs(i, lowerCase)) return i;
    }
    return -1;
  }

  /** The first value of the header named {@code lowerCase}, or null. */
  public String value(byte[] lowerCase) {
    int i = find(lowerCase);
    return i < 0 ? null : value(i);
  }

  /** Header {@code header}'s value, its bytes as ISO-8859-1 characters. */
  public String value(int header) {
    int start = valueStart(header);
    return new String(bytes, start, valueEnd(header) - start, StandardCharsets.ISO_8859_1);
  }

  /** Header {@code header}'s name as the client wrote it. */
  public String name(int header) {
    int start = nameStart(header);
    return new String(bytes, start, nameEnd(header) - start, StandardCharsets.ISO_8859_1);
  }

  /** Writes the method as the client did. */
  public void writeMethod(ByteBuf out) {
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

  /**
   * Whether the target from {@code from} to {@code to}, which does not start with '/', is in
   * absolute form ({@code scheme://authority...}); refuses one whose authority has userinfo, is
   * empty or is not {@code host[:port]}.
   */
  private static boolean absoluteForm(byte[] bytes, int from, int to) {
    int authority = -1;
    for (int i = from; i + 2 < to; i++) {
      byte b = bytes[i];
      if (b == ':') {
        if (bytes[i + 1] == '/' && bytes[i + 2] == '/') authority = i + 3;
        break;
      }
      boolean letter = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
      if (!letter && (b < '0' || b > '9') && b != '+' && b != '-' && b != '.') break; // not a scheme
    }
    int end = authority < 0 ? from : authority;
    while (end < to && bytes[end] != '/' && bytes[end] != '?') end++;
    // Credentials in a URL are deprecated (RFC 9110 section 4.2.4) and would be logged with it.
    if (indexOf(bytes, authority < 0 ? from : authority, end, (byte) '@') >= 0) {
      throw malformed("userinfo in the request target");
    }
    if (authority < 0) return false;
    if (!isAuthority(bytes, authority, end)) throw malformed("an invalid authority in the request target");
    return true;
  }

  /** The bytes of a reg-name (RFC 3986 section 3.2.2): unreserved, sub-delims and '%'. */
  private static final boolean[] HOST_CHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) HOST_CHAR[c] = true;
    for (char c = 'a'; c <= 'z'; c++) HOST_CHAR[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) HOST_CHAR[c] = true;
    for (char c : "-._~!$&'()*+,;=%".toCharArray()) HOST_CHAR[c] = true;
  }

  /**
   * Whether the bytes from {@code from} to {@code to} are {@code uri-host [":" port]} (RFC 9110
   * section 7.2), the host not empty: a reg-name or IPv4 address, or an IP literal in brackets.
   */
  static boolean isAuthority(byte[] bytes, int from, int to) {
    int i = from;
    if (i < to && bytes[i] == '[') {
      for (i++; i < to && bytes[i] != ']'; i++) {
        byte b = bytes[i];
        if (b < 0 || !HOST_CHAR[b] && b != ':') return false;
      }
      if (i == to || i == from + 1) return false;
      i++;
    } else {
      for (; i < to && bytes[i] != ':'; i++) {
        byte b = bytes[i];
        if (b < 0 || !HOST_CHAR[b]) return false;
      }
      if (i == from) return false;
    }
    if (i == to) return true;
    if (bytes[i] != ':') return false;
    for (i++; i < to; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') return false;
    }
    return true;
  }

  private static Http1Violation malformed(String problem) {
    return Http1Violation.malformed(problem);
  }
}
