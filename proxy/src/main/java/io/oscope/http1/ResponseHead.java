package io.oscope.http1;

import static io.oscope.http1.HeaderBytes.add;
import static io.oscope.http1.HeaderNames.ascii;
import static io.oscope.http1.HeaderBytes.indexOf;
import static io.oscope.http1.HeaderBytes.is;
import static io.oscope.http1.HeaderBytes.next;
import static io.oscope.http1.HeaderBytes.sameIgnoringCase;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The head of one upstream response, read straight from its bytes: status, framing and
 * connection, and where its header lines are, so that the head for the client is those lines
 * copied as they came (each ended by CR LF, whatever ended it), without the hop-by-hop ones nor
 * the framing ones, with this proxy's {@code Via} and framing lines. Nothing is decoded into
 * strings: the head is copied once into an array of this instance's, parsed there. One instance
 * per upstream connection, parsed anew for every response.
 */
public final class ResponseHead {
  /** How the body of a response is delimited (RFC 9112 section 6.3). */
  public enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
  private static final byte[] HTTP_1 = ascii("http/1.");
  private static final byte[] CRLF = ascii("\r\n");
  private static final byte[] VIA = ascii("via: ");
  private static final byte[] COMMA = ascii(", ");
  private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");
  private static final byte[] CLOSE_LINE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE_LINE = ascii("connection: keep-alive\r\n");
  private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
  private static final byte[] X_COMPUTE_REQUEST_ID = ascii("x-compute-request-id");


  /** The head's bytes, from index 0; grown for larger heads. */
  private byte[] source = new byte[2048];
  private int status;
  private boolean http11;
  private Framing framing;
  private long contentLength;
  private boolean keepAlive;
  private int length;
  /** Start of the status code in the status line, and the end of that line without its CR LF. */
  private int statusStart;
  private int statusLineEnd;
  /** The name and value positions of the header line being read. */
  private final int[] field = new int[4];
  /**
   * Pairs of (start, end) of the header lines to copy: the end past the CR LF of a line ended by
   * CR LF right after its value, else {@code ~valueEnd}, the CR LF written anew.
   */
  private int[] kept = new int[32];
  private int keptCount;
  /** Pairs of (start, end) of the values of the response's own Via headers. */
  private int[] via = new int[4];
  private int viaCount;
  private final FramingFields framingFields = new FramingFields(502);
  /** Where the value of the service's request ID header is; start -1 if none. */
  private int requestIdStart;
  private int requestIdEnd;

  /** The status code. */
  public int status() {
    return status;
  }

  /** How the body is delimited; {@link Framing#NONE} for interim answers, HEAD answers, 204 and 304. */
  public Framing framing() {
    return framing;
  }

  /**
   * The body's length, for {@link Framing#LENGTH}; the length a HEAD or 304 answer gives; -1 if
   * none (always for 1xx and 204).
   */
  public long contentLength() {
    return contentLength;
  }

  /**
   * Whether the upstream keeps the connection open after this response, and its framing leaves
   * no doubt where the next one starts: false for a 1xx or 204 that declares a body, as bytes of
   * it may follow.
   */
  public boolean keepAlive() {
    return keepAlive;
  }

  /** A test of a header value, {@code bytes[start..end)}, without copying it. */
  @FunctionalInterface
  public interface ValueTest {
    boolean accepts(byte[] bytes, int start, int end);
  }

  /**
   * The request ID the service gave, {@code X-OpenStack-Request-ID} or Nova's {@code
   * X-Compute-Request-ID}; null if none, or if {@code form} does not accept it (the codec knows
   * nothing of what an ID looks like: the caller says).
   */
  public String requestId(ValueTest form) {
    if (requestIdStart < 0 || !form.accepts(source, requestIdStart, requestIdEnd)) return null;
    return new String(source, requestIdStart, requestIdEnd - requestIdStart, StandardCharsets.US_ASCII);
  }

  private static boolean isRequestId(byte[] buffer, int line, int nameLength) {
    return nameLength == HeaderNames.X_OPENSTACK_REQUEST_ID.length
        && is(buffer, line, nameLength, HeaderNames.X_OPENSTACK_REQUEST_ID)
        || nameLength == X_COMPUTE_REQUEST_ID.length && is(buffer, line, nameLength, X_COMPUTE_REQUEST_ID);
  }

  /**
   * Parses the head in {@code buffer} from {@code start} to {@code end} (after its empty line).
   *
   * @param toHead whether the request was a HEAD, whose answer has no body whatever it says
   * @throws Http1Violation (502) if the head is not a valid HTTP/1.0 or 1.1 response head
   */
  public void parse(ByteBuf buffer, int start, int end, boolean toHead) {
    length = end - start;
    if (source.length < length) source = new byte[Math.max(length, 2 * source.length)];
    buffer.getBytes(start, source, 0, length);
    parseSource(toHead);
  }

  private void parseSource(boolean toHead) {
    byte[] buffer = source;
    int start = 0;
    int end = length;
    keptCount = 0;
    viaCount = 0;
    requestIdStart = -1;
    FramingFields fields = framingFields;
    fields.reset();
    int lineEnd = HeaderBytes.valueEnd(buffer, start, end); // control characters refused with the line's end
    if (lineEnd < 0) throw invalid("an invalid status line");
    statusLine(buffer, start, lineEnd);
    int[] field = this.field;
    for (int line = next(buffer, lineEnd), nextLine; ; line = nextLine) {
      nextLine = HeaderBytes.fieldLine(buffer, line, end, field, 0);
      if (nextLine == HeaderBytes.SECTION_END) break;
      if (nextLine < 0) throw invalid(problem(nextLine));
      int nameLength = field[1] - line;
      switch (fields.read(buffer, line, nameLength, field[2], field[3])) {
        case FramingFields.CONTENT_LENGTH, FramingFields.TRANSFER_ENCODING, FramingFields.CONNECTION -> { }
        default -> {
          if (is(buffer, line, nameLength, HeaderNames.VIA)) via = add(via, viaCount++, field[2], field[3]);
          else if (!HeaderNames.isHopByHop(buffer, line, nameLength)) keep(line, field[3], nextLine);
          if (requestIdStart < 0 && isRequestId(buffer, line, nameLength)) {
            requestIdStart = field[2];
            requestIdEnd = field[3];
          }
        }
      }
    }
    if (fields.listsOthers()) dropConnectionNames();
    fields.finish();
    contentLength = fields.contentLength();
    if (status < 200 || toHead || status == 204 || status == 304) framing = Framing.NONE;
    else if (fields.chunked()) framing = Framing.CHUNKED;
    else if (contentLength >= 0) framing = Framing.LENGTH;
    else framing = Framing.UNTIL_CLOSE;
    // RFC 9110 section 8.6 and RFC 9112 section 6.1: no body length in a 1xx or 204. Its field is
    // not passed on, and what it announces may follow: the connection is not used again. A
    // Content-Length of 0 announces nothing.
    boolean bodyNotAllowed = status < 200 || status == 204;
    if (bodyNotAllowed) contentLength = -1;
    boolean announcesBody = bodyNotAllowed && (fields.chunked() || fields.contentLength() > 0);
    keepAlive = framing != Framing.UNTIL_CLOSE && !announcesBody && fields.keepAlive(http11);
  }

  /**
   * Writes the head for the client: HTTP/1.1, the upstream's lines but the hop-by-hop ones,
   * {@code Via} with {@code viaEntry} appended, and the framing and connection this proxy chose.
   *
   * @param chunked whether the body goes to the client chunked
   * @param connection {@code Connection} line to add, or null
   */
  public void writeTo(ByteBuf out, byte[] viaEntry, boolean chunked, ConnectionLine connection) {
    out.writeBytes(HTTP_1_1);
    out.writeBytes(source, statusStart, statusLineEnd - statusStart);
    if (statusLineEnd == statusStart + 3) out.writeByte(' '); // the space before a reason phrase is not optional
    out.writeBytes(CRLF);
    for (int i = 0; i < keptCount; i++) {
      int start = kept[2 * i];
      int end = kept[2 * i + 1];
      if (end >= 0) {
        out.writeBytes(source, start, end - start);
      } else {
        out.writeBytes(source, start, ~end - start).writeBytes(CRLF);
      }
    }
    if (contentLength >= 0) {
      // One length, written here: a list or repeated fields as received would be read otherwise by some.
      out.writeBytes(CONTENT_LENGTH);
      writeDecimal(out, contentLength);
      out.writeBytes(CRLF);
    }
    out.writeBytes(VIA);
    for (int i = 0; i < viaCount; i++) {
      out.writeBytes(source, via[2 * i], via[2 * i + 1] - via[2 * i]);
      out.writeBytes(COMMA);
    }
    out.writeBytes(viaEntry);
    out.writeBytes(CRLF);
    if (chunked) out.writeBytes(CHUNKED_LINE);
    if (connection == ConnectionLine.CLOSE) out.writeBytes(CLOSE_LINE);
    else if (connection == ConnectionLine.KEEP_ALIVE) out.writeBytes(KEEP_ALIVE_LINE);
    out.writeBytes(CRLF);
  }

  private static void writeDecimal(ByteBuf out, long value) {
    long power = 1;
    while (power <= value / 10) power *= 10;
    for (; power > 0; power /= 10) out.writeByte((int) ('0' + value / power % 10));
  }

  /** The {@code Connection} header the proxy adds to a head for the client. */
  public enum ConnectionLine { NONE, CLOSE, KEEP_ALIVE }

  /** About as many bytes as {@link #writeTo} writes, to size its buffer. */
  public int estimatedLength(int viaEntryLength) {
    return length + keptCount + viaEntryLength + 64; // a line ended by a bare LF gains a CR
  }

  private void statusLine(byte[] buffer, int start, int end) {
    if (end - start < 12 || !is(buffer, start, HTTP_1.length, HTTP_1) || buffer[start + 8] != ' ') {
      throw invalid("not an HTTP/1.x status line");
    }
    byte minor = buffer[start + 7];
    if (minor != '0' && minor != '1') throw invalid("not an HTTP/1.x status line");
    http11 = minor == '1';
    statusStart = start + 9;
    statusLineEnd = end;
    int code = 0;
    for (int i = statusStart; i < statusStart + 3; i++) {
      byte digit = buffer[i];
      if (digit < '0' || digit > '9') throw invalid("a status code that is not three digits");
      code = code * 10 + digit - '0';
    }
    if (end > statusStart + 3 && buffer[statusStart + 3] != ' ') {
      throw invalid("a status code that is not three digits");
    }
    if (code < 100 || code > 599) throw invalid("a status code outside 100 to 599");
    if (code == 101) throw invalid("101 Switching Protocols, which this proxy does not relay");
    status = code;
  }

  private void keep(int start, int valueEnd, int nextLine) {
    kept = add(kept, keptCount++, start, source[valueEnd] == '\r' ? nextLine : ~valueEnd);
  }

  /** Drops the kept lines whose names {@code Connection} lists: hop-by-hop too. */
  private void dropConnectionNames() {
    int write = 0;
    for (int i = 0; i < keptCount; i++) {
      int start = kept[2 * i];
      int end = kept[2 * i + 1];
      if (!framingFields.lists(source, start, indexOf(source, start, end >= 0 ? end : ~end, (byte) ':') - start)) {
        kept[2 * write] = start;
        kept[2 * write + 1] = end;
        write++;
      }
    }
    keptCount = write;
  }

  private static String problem(int fieldLineCode) {
    return switch (fieldLineCode) {
      case HeaderBytes.FOLDED -> "a folded header line";
      case HeaderBytes.INVALID_NAME -> "an invalid header name";
      case HeaderBytes.INVALID_VALUE -> "a control character in a header";
      default -> "an unterminated header line";
    };
  }

  static Http1Violation invalid(String what) {
    return Http1Violation.invalidResponse(what);
  }
}
