package io.oscope.http1;

import static io.oscope.http1.HeaderBytes.is;

/**
 * The fields that frame a message, read the same way for requests and responses (RFC 9112
 * sections 6 and 9.3): {@code Content-Length} (repeated equal values allowed), {@code
 * Transfer-Encoding} (chunked alone), {@code Connection} (close, keep-alive and the names it
 * lists). Fed one field line at a time by {@link RequestHead} and {@link ResponseHead}; positions
 * are those of the head's bytes. Not thread-safe; reset for every head.
 */
final class FramingFields {
  /** What {@link #read} found. */
  static final int OTHER = 0;
  static final int CONTENT_LENGTH = 1;
  static final int TRANSFER_ENCODING = 2;
  static final int CONNECTION = 3;

  private static final byte[] CHUNKED = HeaderNames.ascii("chunked");
  private static final byte[] CLOSE = HeaderNames.ascii("close");

  private final int violationStatus;
  private long contentLength;
  private boolean chunked;
  private boolean close;
  private boolean keepAliveToken;
  /** Pairs of (start, end) of the names {@code Connection} lists besides close and keep-alive. */
  private int[] listed = new int[4];
  private int listedCount;
  private final int[] element = new int[2];

  /** @param violationStatus the status of the violations found: 400 for requests, 502 for responses */
  FramingFields(int violationStatus) {
    this.violationStatus = violationStatus;
    reset();
  }

  void reset() {
    contentLength = -1;
    chunked = false;
    close = false;
    keepAliveToken = false;
    listedCount = 0;
  }

  /**
   * Reads one field line if it frames the message, and says which it was.
   *
   * @throws Http1Violation for a Content-Length that is invalid or conflicts with an earlier one, or
   *     a transfer coding other than chunked
   */
  int read(byte[] bytes, int name, int nameLength, int valueStart, int valueEnd) {
    switch (nameLength) {
      case 10 -> {
        if (!is(bytes, name, nameLength, HeaderNames.CONNECTION)) return OTHER;
        for (int at = valueStart; at < valueEnd; ) {
          at = HeaderBytes.listElement(bytes, at, valueEnd, element);
          int length = element[1] - element[0];
          if (is(bytes, element[0], length, CLOSE)) close = true;
          else if (is(bytes, element[0], length, HeaderNames.KEEP_ALIVE)) keepAliveToken = true;
          else if (length > 0) listed = HeaderBytes.add(listed, listedCount++, element[0], element[1]);
        }
        return CONNECTION;
      }
      case 14 -> {
        if (!is(bytes, name, nameLength, HeaderNames.CONTENT_LENGTH)) return OTHER;
        contentLength = HeaderBytes.contentLength(bytes, valueStart, valueEnd, contentLength);
        if (contentLength < 0) throw new Http1Violation(violationStatus, "an invalid or conflicting Content-Length");
        return CONTENT_LENGTH;
      }
      case 17 -> {
        if (!is(bytes, name, nameLength, HeaderNames.TRANSFER_ENCODING)) return OTHER;
        if (chunked || !is(bytes, valueStart, valueEnd - valueStart, CHUNKED)) {
          throw new Http1Violation(violationStatus, "a Transfer-Encoding other than chunked");
        }
        chunked = true;
        return TRANSFER_ENCODING;
      }
      default -> {
        return OTHER;
      }
    }
  }

  /**
   * Checks the fields read together.
   *
   * @throws Http1Violation for both Content-Length and Transfer-Encoding (RFC 9112 section 6.3)
   */
  void finish() {
    if (chunked && contentLength >= 0) {
      throw new Http1Violation(violationStatus, "both Content-Length and Transfer-Encoding");
    }
  }

  /** The Content-Length, or -1 if none. */
  long contentLength() {
    return contentLength;
  }

  boolean chunked() {
    return chunked;
  }

  /**
   * Whether the sender keeps the connection open after this message: HTTP/1.1 unless it says
   * close; HTTP/1.0 only if it says keep-alive and not close.
   */
  boolean keepAlive(boolean http11) {
    return http11 ? !close : keepAliveToken && !close;
  }

  /** Whether {@code Connection} lists names besides close and keep-alive: those fields are hop-by-hop too. */
  boolean listsOthers() {
    return listedCount > 0;
  }

  /** Whether the {@code length} bytes at {@code name} are a name {@code Connection} lists, ignoring case. */
  boolean lists(byte[] bytes, int name, int length) {
    for (int i = 0; i < listedCount; i++) {
      int from = listed[2 * i];
      if (listed[2 * i + 1] - from == length && HeaderBytes.sameIgnoringCase(bytes, from, name, length)) return true;
    }
    return false;
  }
}
