package io.oscope.http1;

import io.netty.buffer.ByteBuf;

/**
 * The framing between a chunked body's data (RFC 9112 section 7.1), read as it arrives: the CR LF
 * that ends a chunk's data, then the next chunk's size line (hex digits, any number of leading
 * zeros, extensions checked for control characters and skipped, CR LF; a bare LF is taken for CR
 * LF). {@link RequestDecoder} and {@link ResponseReader} each keep one; it reads positions of their
 * buffers and consumes nothing itself. Not thread-safe.
 */
final class ChunkLine {
  /** Significant hex digits a size may have: more could overflow a long. */
  private static final int MAX_DIGITS = 15;

  private final int maxLineBytes;

  private enum Part { DATA_CR, DATA_LF, DIGITS, EXTENSION, SIZE_LF, DONE }

  private Part part = Part.DONE;
  private long size;
  private int digits;
  /** Zeros read before the first significant digit. */
  private int zeros;
  private int lineBytes;
  private boolean canonical;
  private String problem;

  /** @param maxLineBytes the longest size line with its extensions */
  ChunkLine(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** A body's first size line comes next. */
  void first() {
    part = Part.DIGITS;
    size = 0;
    digits = 0;
    zeros = 0;
    lineBytes = 0;
    canonical = true;
    problem = null;
  }

  /** A chunk's data was read to its end: its CR LF, then the next size line, come next. */
  void afterData() {
    first();
    part = Part.DATA_CR;
  }

  /**
   * Reads from {@code pos} to {@code end} at the most and returns where it stopped: after the size
   * line ({@link #done()}), at {@code end} (the rest comes with the next read), or on a byte that
   * breaks the framing ({@link #problem()}).
   */
  int read(ByteBuf in, int pos, int end) {
    while (pos < end) {
      switch (part) {
        case DATA_CR -> {
          byte b = in.getByte(pos++);
          if (b == '\r') {
            part = Part.DATA_LF;
          } else if (b == '\n') {
            canonical = false;
            part = Part.DIGITS;
          } else {
            return fail("chunk data longer than its size", pos);
          }
        }
        case DATA_LF, SIZE_LF -> {
          if (in.getByte(pos++) != '\n') return fail("a chunk line without its line feed", pos);
          if (part == Part.SIZE_LF) {
            part = Part.DONE;
            return pos;
          }
          part = Part.DIGITS;
        }
        case DIGITS -> {
          byte b = in.getByte(pos++);
          if (++lineBytes > maxLineBytes) return fail("a chunk line over " + maxLineBytes + " bytes", pos);
          int digit = Character.digit(b, 16);
          if (digit >= 0) {
            if (b >= 'A' && b <= 'F') canonical = false; // this codec writes lower case
            if (digits == 0 && digit == 0) {
              zeros++; // "000a" is 10: only significant digits count (RFC 9112 section 7.1)
            } else {
              if (++digits > MAX_DIGITS) return fail("a chunk size over " + MAX_DIGITS + " hex digits", pos);
              size = size * 16 + digit;
            }
          } else if (digits == 0 && zeros == 0) {
            return fail("a chunk without a size", pos);
          } else {
            if (b == ';' || b == ' ' || b == '\t') {
              canonical = false;
              part = Part.EXTENSION;
            } else if (b == '\r') {
              part = Part.SIZE_LF;
            } else if (b == '\n') {
              canonical = false;
              part = Part.DONE;
              return pos;
            } else {
              return fail("an invalid chunk size", pos);
            }
          }
        }
        case EXTENSION -> {
          byte b = in.getByte(pos++);
          if (++lineBytes > maxLineBytes) return fail("a chunk line over " + maxLineBytes + " bytes", pos);
          if (b == '\r') {
            part = Part.SIZE_LF;
          } else if (b == '\n') {
            part = Part.DONE;
            return pos;
          } else if (b >= 0 && b < ' ' && b != '\t' || b == 0x7f) {
            return fail("a control character in a chunk extension", pos);
          }
        }
        case DONE -> {
          return pos;
        }
      }
    }
    return pos;
  }

  /** Whether the size line has been read: {@link #size()} is the chunk's, 0 for the last one. */
  boolean done() {
    return part == Part.DONE && problem == null;
  }

  long size() {
    return size;
  }

  /**
   * Whether the bytes read since {@link #first()} or {@link #afterData()} are those a sender
   * writes for this size: CR LF after data, lower-case hex digits without leading zeros nor
   * extensions, CR LF.
   */
  boolean canonical() {
    return canonical && zeros == (digits == 0 ? 1 : 0);
  }

  /** What breaks the framing, or null. */
  String problem() {
    return problem;
  }

  private int fail(String what, int pos) {
    problem = what;
    part = Part.DONE;
    return pos;
  }
}
