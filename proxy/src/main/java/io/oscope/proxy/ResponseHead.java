package io.oscope.proxy;

import static io.oscope.proxy.HeaderBytes.add;
import static io.oscope.proxy.HeaderBytes.ascii;
import static io.oscope.proxy.HeaderBytes.indexOf;
import static io.oscope.proxy.HeaderBytes.is;
import static io.oscope.proxy.HeaderBytes.next;
import static io.oscope.proxy.HeaderBytes.sameIgnoringCase;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * The head of one upstream response, read straight from its bytes: status, framing and
 * connection, and where its header lines are, so that the head for the client is those lines
 * copied as they came, without the hop-by-hop ones, with this proxy's {@code Via}. Nothing is
 * decoded into strings: the head is copied once into an array of this instance's, parsed there.
 * One instance per upstream connection, parsed anew for every response.
 */
final class ResponseHead {
  /** How the body of a response is delimited (RFC 9112 section 6.3). */
  enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
  private static final byte[] HTTP_1 = ascii("http/1.");
  private static final byte[] CRLF = ascii("\r\n");
  private static final byte[] VIA = ascii("via: ");
  private static final byte[] COMMA = ascii(", ");
  private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");
  private static final byte[] CLOSE_LINE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE_LINE = ascii("connection: keep-alive\r\n");

  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  private static final byte[] CONNECTION = ascii("connection");
  private static final byte[] VIA_NAME = ascii("via");
  private static final byte[] CHUNKED = ascii("chunked");
  private static final byte[] CLOSE = ascii("close");
  private static final byte[] KEEP_ALIVE = ascii("keep-alive");
  /** RFC 9110 7.6.1 hop-by-hop headers, plus the non-standard Proxy-Connection; Connection apart. */
  private static final byte[][] HOP_BY_HOP = {ascii("keep-alive"), ascii("proxy-authenticate"),
      ascii("proxy-authorization"), ascii("te"), ascii("trailer"), ascii("upgrade"), ascii("proxy-connection")};

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
  /** Pairs of (start, end) of the header lines to copy, CR LF included. */
  private int[] kept = new int[32];
  private int keptCount;
  /** Pairs of (start, end) of the values of the response's own Via headers. */
  private int[] via = new int[4];
  private int viaCount;
  /** Pairs of (start, end) of header names listed in Connection, other than close and keep-alive. */
  private int[] connectionNames = new int[4];
  private int connectionNameCount;

  /** The status code. */
  int status() {
    return status;
  }

  /** How the body is delimited; {@link Framing#NONE} for interim answers, HEAD answers, 204 and 304. */
  Framing framing() {
    return framing;
  }

  /** The body's length, for {@link Framing#LENGTH}. */
  long contentLength() {
    return contentLength;
  }

  /** Whether the upstream keeps the connection open after this response. */
  boolean keepAlive() {
    return keepAlive;
  }

  /**
   * Parses the head in {@code buffer} from {@code start} to {@code end} (after its empty line).
   *
   * @param toHead whether the request was a HEAD, whose answer has no body whatever it says
   * @throws IOException if the head is not a valid HTTP/1.0 or 1.1 response head
   */
  void parse(ByteBuf buffer, int start, int end, boolean toHead) throws IOException {
    length = end - start;
    if (source.length < length) source = new byte[Math.max(length, 2 * source.length)];
    buffer.getBytes(start, source, 0, length);
    parseSource(toHead);
  }

  private void parseSource(boolean toHead) throws IOException {
    byte[] buffer = source;
    int start = 0;
    int end = length;
    keptCount = 0;
    viaCount = 0;
    connectionNameCount = 0;
    contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    boolean keepAliveToken = false;
    int lineEnd = HeaderBytes.valueEnd(buffer, start, end); // control characters refused with the line's end
    if (lineEnd < 0) throw invalid("an invalid status line");
    statusLine(buffer, start, lineEnd);
    int[] field = this.field;
    for (int line = next(buffer, lineEnd), nextLine; ; line = nextLine) {
      nextLine = HeaderBytes.fieldLine(buffer, line, end, field, 0);
      if (nextLine == HeaderBytes.SECTION_END) break;
      if (nextLine < 0) throw invalid(problem(nextLine));
      int colon = field[1];
      int valueStart = field[2];
      int valueEnd = field[3];
      int nameLength = colon - line;
      if (is(buffer, line, nameLength, CONTENT_LENGTH)) {
        contentLength = HeaderBytes.contentLength(buffer, valueStart, valueEnd, contentLength);
        if (contentLength < 0) throw invalid("an invalid or conflicting Content-Length");
        keep(line, nextLine);
      } else if (is(buffer, line, nameLength, TRANSFER_ENCODING)) {
        if (chunked || !is(buffer, valueStart, valueEnd - valueStart, CHUNKED)) {
          throw invalid("a Transfer-Encoding other than chunked");
        }
        chunked = true;
      } else if (is(buffer, line, nameLength, CONNECTION)) {
        int[] token = field; // the line's positions are read already
        for (int next = valueStart; next < valueEnd; ) {
          next = HeaderBytes.listElement(buffer, next, valueEnd, token);
          int length = token[1] - token[0];
          if (is(buffer, token[0], length, CLOSE)) close = true;
          else if (is(buffer, token[0], length, KEEP_ALIVE)) keepAliveToken = true;
          else if (length > 0) connectionNames = add(connectionNames, connectionNameCount++, token[0], token[1]);
        }
      } else if (is(buffer, line, nameLength, VIA_NAME)) {
        via = add(via, viaCount++, valueStart, valueEnd);
      } else if (!hopByHop(buffer, line, nameLength)) {
        keep(line, nextLine);
      }
    }
    if (connectionNameCount > 0) dropConnectionNames();
    if (chunked && contentLength >= 0) throw invalid("both Content-Length and Transfer-Encoding");
    if (status < 200 || toHead || status == 204 || status == 304) framing = Framing.NONE;
    else if (chunked) framing = Framing.CHUNKED;
    else if (contentLength >= 0) framing = Framing.LENGTH;
    else framing = Framing.UNTIL_CLOSE;
    keepAlive = framing != Framing.UNTIL_CLOSE && (http11 ? !close : keepAliveToken);
  }

  /**
   * Writes the head for the client: HTTP/1.1, the upstream's lines but the hop-by-hop ones,
   * {@code Via} with {@code viaEntry} appended, and the framing and connection this proxy chose.
   *
   * @param chunked whether the body goes to the client chunked
   * @param connection {@code Connection} line to add, or null
   */
  void writeTo(ByteBuf out, byte[] viaEntry, boolean chunked, ConnectionLine connection) {
    out.writeBytes(HTTP_1_1);
    out.writeBytes(source, statusStart, statusLineEnd - statusStart);
    out.writeBytes(CRLF);
    for (int i = 0; i < keptCount; i++) {
      out.writeBytes(source, kept[2 * i], kept[2 * i + 1] - kept[2 * i]);
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

  /** The {@code Connection} header the proxy adds to a head for the client. */
  enum ConnectionLine { NONE, CLOSE, KEEP_ALIVE }

  /** About as many bytes as {@link #writeTo} writes, to size its buffer. */
  int estimatedLength(int viaEntryLength) {
    return length + viaEntryLength + 64;
  }

  private void statusLine(byte[] buffer, int start, int end) throws IOException {
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
    if (code < 100) throw invalid("status " + code);
    if (code == 101) throw invalid("101 Switching Protocols, which this proxy does not relay");
    status = code;
  }

  private void keep(int start, int end) {
    kept = add(kept, keptCount++, start, end);
  }

  private void dropConnectionNames() {
    int write = 0;
    for (int i = 0; i < keptCount; i++) {
      int start = kept[2 * i];
      int end = kept[2 * i + 1];
      int nameLength = indexOf(source, start, end, (byte) ':') - start;
      boolean listed = false;
      for (int n = 0; n < connectionNameCount && !listed; n++) {
        int from = connectionNames[2 * n];
        int to = connectionNames[2 * n + 1];
        listed = to - from == nameLength && sameIgnoringCase(source, from, start, nameLength);
      }
      if (!listed) {
        kept[2 * write] = start;
        kept[2 * write + 1] = end;
        write++;
      }
    }
    keptCount = write;
  }

  private static boolean hopByHop(byte[] buffer, int name, int length) {
    for (byte[] hop : HOP_BY_HOP) {
      if (is(buffer, name, length, hop)) return true;
    }
    return false;
  }

  private static String problem(int fieldLineCode) {
    return switch (fieldLineCode) {
      case HeaderBytes.FOLDED -> "a folded header line";
      case HeaderBytes.INVALID_NAME -> "an invalid header name";
      case HeaderBytes.INVALID_VALUE -> "a control character in a header";
      default -> "an unterminated header line";
    };
  }

  static IOException invalid(String what) {
    return new IOException("invalid response: " + what);
  }
}
