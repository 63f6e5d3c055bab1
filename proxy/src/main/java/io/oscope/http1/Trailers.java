package io.oscope.http1;

import java.util.Arrays;

/**
 * The trailer section of a chunked body, either way: checked as header lines are (RFC 9110
 * section 5.5), the fields a trailer may not carry dropped (section 6.5.1), the rest written again
 * as {@code name: value} CR LF lines, whatever line ends came in.
 */
final class Trailers {
  static final byte[] NONE = new byte[0];

  private Trailers() {}

  /**
   * The lines to pass on of the {@code length} bytes of {@code bytes}: the section up to and with
   * its empty line.
   *
   * @param status the status of the violation: 400 for requests, 502 for responses
   * @throws Http1Violation if a line is not a valid field line
   */
  static byte[] rewrite(byte[] bytes, int length, int status) {
    byte[] out = new byte[2 * length]; // a line grows by at most a space and a CR
    int[] field = new int[4];
    int written = 0;
    for (int next = fieldLine(bytes, 0, length, field, status); next >= 0;
        next = fieldLine(bytes, next, length, field, status)) {
      int nameLength = field[1] - field[0];
      if (HeaderNames.isNotTrailer(bytes, field[0], nameLength)) continue;
      System.arraycopy(bytes, field[0], out, written, nameLength);
      written += nameLength;
      out[written++] = ':';
      out[written++] = ' ';
      System.arraycopy(bytes, field[2], out, written, field[3] - field[2]);
      written += field[3] - field[2];
      out[written++] = '\r';
      out[written++] = '\n';
    }
    return written == 0 ? NONE : Arrays.copyOf(out, written);
  }

  private static int fieldLine(byte[] bytes, int line, int length, int[] into, int status) {
    int next = HeaderBytes.fieldLine(bytes, line, length, into, 0);
    return switch (next) {
      case HeaderBytes.FOLDED -> throw new Http1Violation(status, "a folded trailer line");
      case HeaderBytes.INVALID_NAME -> throw new Http1Violation(status, "an invalid trailer name");
      case HeaderBytes.INVALID_VALUE -> throw new Http1Violation(status, "a control character in a trailer");
      case HeaderBytes.UNTERMINATED -> throw new Http1Violation(status, "an unterminated trailer section");
      default -> next;
    };
  }
}
