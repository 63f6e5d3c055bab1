package io.oscope.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reads the HTTP/1.x responses of one upstream connection from the bytes as they arrive, and hands
 * each one on with the least work a relay needs: its head parsed once ({@link ResponseHead}), its
 * body as slices of the buffers read, never copied nor split into objects. A chunked body is
 * followed chunk by chunk only to find where it ends; it can be handed on as received, framing
 * included, or as its payload alone.
 *
 * <p>Interim answers (1xx) are read and dropped: the client got its own {@code 100 Continue}.
 * Not thread-safe: used on the connection's event loop only.
 */
public final class ResponseReader {

  /** How a response's body is handed to the {@link Listener}. */
  public enum Delivery {
    /** The bytes as received: with a chunked body, its framing and trailers too. */
    AS_RECEIVED,
    /** The payload alone, without chunk framing or trailers. */
    PAYLOAD,
    /** Nothing: the body is read to its end and dropped. */
    DISCARD
  }

  /** Who hears of the response awaited. */
  public interface Listener {
    /** A final response's head; says how its body is wanted. Valid only during the call. */
    Delivery head(ResponseHead head);

    /** Part of the body, the listener's to release; {@code payloadBytes} of it are payload. */
    void body(ByteBuf part, int payloadBytes);

    /** The response is complete; {@code reusable}: the connection may carry another exchange. */
    void end(boolean reusable);

    /** The upstream sent something that is not a valid response (status 502). */
    void failed(Http1Violation problem);
  }

  private enum State {
    IDLE, HEAD, FIXED, UNTIL_CLOSE, CHUNK_LINE, CHUNK_DATA, TRAILER_START, TRAILER_LINE, TRAILER_END_LF
  }

  private final ResponseHead head = new ResponseHead();
  private final ByteBufAllocator allocator;
  private Listener listener;
  private boolean toHead;
  private State state = State.IDLE;
  private Delivery delivery;
  private long remaining;
  private final ChunkLine chunkLine;
  private final Http1Limits limits;
  /** Bytes of the trailer section read so far. */
  private int lineBytes;
  /** Payload bytes in the part being gathered for {@link Delivery#AS_RECEIVED}. */
  private int gatheredPayload;
  /** The start of a head that did not arrive whole in one read. */
  private ByteBuf partialHead;
  /** Counts {@link #expect} and {@link #stop} calls, which a listener may make while called. */
  private int generation;

  public ResponseReader(ByteBufAllocator allocator, Http1Limits limits) {
    this.allocator = allocator;
    this.limits = limits;
    this.chunkLine = new ChunkLine(limits.chunkLine());
  }

  /** The next bytes are the answer to a request: {@code toHead} if it was a HEAD. */
  public void expect(Listener listener, boolean toHead) {
    discardPartialHead();
    generation++;
    this.listener = listener;
    this.toHead = toHead;
    state = State.HEAD;
  }

  /** No answer is awaited any more: the listener hears nothing more. */
  public void stop() {
    discardPartialHead();
    generation++;
    listener = null;
    state = State.IDLE;
  }

  /** Whether a response is awaited or being read. */
  public boolean busy() {
    return state != State.IDLE;
  }

  /**
   * The upstream closed the connection: ends a body that runs until then, and returns true; false
   * if the response was not complete.
   */
  public boolean closed() {
    if (state != State.UNTIL_CLOSE) return false;
    end(false);
    return true;
  }

  /** Reads {@code in} (which the caller releases). Bytes after a complete response are not read. */
  public void read(ByteBuf in) {
    if (state == State.IDLE) return;
    ByteBuf input = in;
    if (partialHead != null) {
      input = partialHead;
      partialHead = null;
      input.writeBytes(in);
    }
    int before = generation;
    try {
      process(input);
    } finally {
      if (input != in) {
        if (generation == before && state == State.HEAD && input.isReadable()) partialHead = input.discardReadBytes();
        else input.release();
      } else if (generation == before && state == State.HEAD && in.isReadable()) {
        partialHead = allocator.heapBuffer(Math.max(1024, in.readableBytes() * 2)).writeBytes(in);
      }
    }
  }

  private void process(ByteBuf input) {
    int generationAtStart = generation;
    int pos = input.readerIndex();
    int end = input.writerIndex();
    int gatheredFrom = pos;
    while (pos < end) {
      switch (state) {
        case HEAD -> {
          int headEnd = headEnd(input, pos, end);
          int maxHead = limits.responseHead();
          if (headEnd < 0 || headEnd - pos > maxHead) {
            if (headEnd >= 0 || end - pos > maxHead) {
              fail(ResponseHead.invalid("a head over " + maxHead + " bytes"));
            } else {
              input.readerIndex(pos); // the rest of the head comes with the next read
            }
            return;
          }
          try {
            head.parse(input, pos, headEnd, toHead);
          } catch (Http1Violation e) {
            fail(e);
            return;
          }
          pos = headEnd;
          gatheredFrom = pos;
          input.readerIndex(pos);
          if (head.status() < 200) continue; // interim: the final answer follows
          delivery = listener.head(head);
          if (generation != generationAtStart) return;
          switch (head.framing()) {
            case NONE -> {
              end(head.keepAlive() && pos == end);
              return;
            }
            case LENGTH -> {
              remaining = head.contentLength();
              state = State.FIXED;
              if (remaining == 0) {
                end(head.keepAlive() && pos == end);
                return;
              }
            }
            case CHUNKED -> {
              chunkLine.first();
              state = State.CHUNK_LINE;
            }
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
          }
        }
        case FIXED, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - pos);
          payload(input, pos, n);
          if (generation != generationAtStart) return;
          pos += n;
          remaining -= n;
          if (remaining == 0) {
            if (state == State.CHUNK_DATA) {
              chunkLine.afterData();
              state = State.CHUNK_LINE;
            } else {
              endAt(input, gatheredFrom, pos, generationAtStart);
              return;
            }
          }
        }
        case UNTIL_CLOSE -> {
          payload(input, pos, end - pos);
          if (generation != generationAtStart) return;
          pos = end;
        }
        case CHUNK_LINE -> {
          pos = chunkLine.read(input, pos, end);
          if (chunkLine.problem() != null) {
            fail(ResponseHead.invalid(chunkLine.problem()));
            return;
          }
          if (chunkLine.done()) {
            remaining = chunkLine.size();
            lineBytes = 0;
            state = remaining == 0 ? State.TRAILER_START : State.CHUNK_DATA;
          }
        }
        case TRAILER_LINE -> {
          int lf = input.indexOf(pos, end, (byte) '\n');
          lineBytes += (lf < 0 ? end : lf) - pos;
          if (lineBytes > limits.trailerSection()) {
            fail(ResponseHead.invalid("trailers too long"));
            return;
          }
          if (lf < 0) {
            pos = end;
          } else {
            pos = lf + 1;
            state = State.TRAILER_START;
          }
        }
        case TRAILER_END_LF -> {
          if (input.getByte(pos++) != '\n') {
            fail(ResponseHead.invalid("a chunk line without its line feed"));
            return;
          }
          endAt(input, gatheredFrom, pos, generationAtStart);
          return;
        }
        case TRAILER_START -> {
          byte b = input.getByte(pos++);
          if (b == '\r') {
            state = State.TRAILER_END_LF;
          } else if (b == '\n') {
            endAt(input, gatheredFrom, pos, generationAtStart);
            return;
          } else {
            state = State.TRAILER_LINE;
          }
        }
        case IDLE -> {
          return;
        }
      }
    }
    input.readerIndex(pos);
    hand(input, gatheredFrom, pos);
  }

  /**
   * The response ends at {@code pos}: hands on what is gathered, then ends it, reusable if the
   * upstream keeps the connection and sent nothing after.
   */
  private void endAt(ByteBuf input, int gatheredFrom, int pos, int generationAtStart) {
    hand(input, gatheredFrom, pos);
    if (generation == generationAtStart) end(head.keepAlive() && pos == input.writerIndex());
  }

  /** {@code length} payload bytes at {@code from}: handed on now, or counted in the gathered part. */
  private void payload(ByteBuf input, int from, int length) {
    switch (delivery) {
      case PAYLOAD -> listener.body(input.retainedSlice(from, length), length);
      case AS_RECEIVED -> gatheredPayload += length;
      case DISCARD -> { }
    }
  }

  /** Hands on the bytes received from {@code from} to {@code to}, when they are wanted as received. */
  private void hand(ByteBuf input, int from, int to) {
    if (delivery != Delivery.AS_RECEIVED || to <= from || listener == null) return;
    int payloadBytes = gatheredPayload;
    gatheredPayload = 0;
    listener.body(input.retainedSlice(from, to - from), payloadBytes);
  }

  private void end(boolean reusable) {
    lastHeard().end(reusable);
  }

  private void fail(Http1Violation problem) {
    lastHeard().failed(problem);
  }

  /** The response is over: the listener, which hears of it last, then nobody. */
  private Listener lastHeard() {
    Listener heard = listener;
    listener = null;
    state = State.IDLE;
    gatheredPayload = 0;
    generation++;
    return heard;
  }

  private void discardPartialHead() {
    if (partialHead != null) {
      partialHead.release();
      partialHead = null;
    }
  }

  /** The index after the empty line that ends the head starting at {@code from}, or -1. */
  private static int headEnd(ByteBuf input, int from, int end) {
    for (int line = from; ; ) {
      int lf = input.indexOf(line, end, (byte) '\n');
      if (lf < 0) return -1;
      int length = lf - line;
      if (line > from && (length == 0 || length == 1 && input.getByte(line) == '\r')) return lf + 1;
      line = lf + 1;
    }
  }
}
