package io.oscope.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link HeaderBytes#valueEnd}, which reads eight bytes at a time, against a byte-by-byte reading. */
class HeaderBytesTest {

  /** What valueEnd must answer, read the plain way. */
  private static int expectedEnd(byte[] bytes, int from, int end) {
    for (int i = from; i < end; i++) {
      int b = bytes[i] & 0xff;
      if (b == '\n') return i;
      if (b == '\r') return i + 1 < end && bytes[i + 1] == '\n' ? i : -1;
      if (b < 0x20 && b != '\t' || b == 0x7f) return -1;
    }
    return -1;
  }

  @Test
  void everyByteValueAtEveryPositionOfAValueIsJudgedAsByteByByte() {
    for (int length = 1; length <= 40; length++) {
      for (int at = 0; at < length; at++) {
        for (int value = 0; value < 256; value++) {
          byte[] bytes = new byte[length + 3];
          for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) ('a' + i % 26);
          bytes[at + 1] = (byte) value;
          bytes[length + 1] = '\r';
          bytes[length + 2] = '\n';
          assertThat(HeaderBytes.valueEnd(bytes, 1, bytes.length))
              .as("byte %02x at %d of %d", value, at, length)
              .isEqualTo(expectedEnd(bytes, 1, bytes.length));
        }
      }
    }
  }

  @Test
  void aValueWithoutLineFeedHasNoEnd() {
    byte[] bytes = "token-without-end-of-line-at-all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(HeaderBytes.valueEnd(bytes, 0, bytes.length)).isEqualTo(-1);
    assertThat(HeaderBytes.valueEnd("a\tb\u00ff\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, 5))
        .isEqualTo(4);
  }
}
