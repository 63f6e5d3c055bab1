package io.oscope.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Arrays;

/**
 * Reads the HTTP/1.x responses of one upstream connection from the bytes as they arrive, and hands
 * each one on with the least work a relay needs: its head parsed once ({@link ResponseHead}), its
 * body as slices of the buffers read, never copied nor split into objects. A chunked body is
 * followed chunk by chunk: it is handed on framed anew ({@link Delivery#FRAMED}) or as its payload
 * alone.
 *
 * <p>Interim answers (1xx) are read and dropped: the client got its own {@code 100 Continue}.
 * Not thread-safe: used on the connection's event loop only.
 */
public final class ResponseReader {

  /** How a response's body is handed to the {@link Listener}. */
  public enum Delivery {
    /**
     * The body framed for a client: a fixed-length or until-close body as received; a chunked
     * body's data as received between framing this reader writes (size lines in hex without
     * extensions, CR LF after data, the trailer section checked and rewritten). Framing already
     * written that way is handed on in place, in the slices of the data around it.
     */
    FRAMED,
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

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] HEX = HeaderNames.ascii("0123456789abcdef");

  private final ResponseHead head = new ResponseHead();
  private final ByteBufAllocator allocator;
  private Listener listener;
  private boolean toHead;
  private State state = State.IDLE;
  private Delivery delivery;
  private long remaining;
  private final ChunkLine chunkLine;
  private final Http1Limits limits;
  /**
   * Where, in the buffer being read, the framing being read (CR LF after data, size line, trailer
   * section) started; -1 if in an earlier read: then it is written anew whatever it was.
   */
  private int framingStart;
  /** Whether the framing being read starts with the CR LF that ends a chunk's data. */
  private boolean framingAfterData;
  /** The trailer section read so far, when it has lines. */
  private byte[] trailers = Trailers.NONE;
  private int trailerLength;
  /** An interim answer of this exchange announced a body: bytes of it may follow the final one. */
  private boolean interimAnnouncedBody;
  /** Payload bytes in the part being gathered for {@link Delivery#FRAMED}. */
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
    interimAnnouncedBody = false;
    state = State.HEAD;
  }

  /** No answer is awaited any more: the listener hears nothing more. */
  public void stop() {
    discardPartialHead();
    generation++;
    listener = null;
    state = State.IDLE;
  }

  /**
   * Whether the response that just ended ended where the upstream's own framing said (its length,
   * its last chunk). False when its end follows from the request or the status alone (a HEAD, a 204
   * or 304): a server that sent a body there anyway may have bytes of it still on their way.
   */
  public boolean endedByItsFraming() {
    return head.framing() == ResponseHead.Framing.LENGTH || head.framing() == ResponseHead.Framing.CHUNKED;
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
          if (head.status() < 200) { // interim: the final answer follows
            if (!head.keepAlive()) interimAnnouncedBody = true;
            continue;
          }
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
              framingStart = pos;
              framingAfterData = false;
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
              framingStart = pos;
              framingAfterData = true;
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
            if (remaining == 0) {
              trailerLength = 0;
              state = State.TRAILER_START;
            } else {
              state = State.CHUNK_DATA;
              if (delivery == Delivery.FRAMED && (framingStart < 0 || !chunkLine.canonical())) {
                if (!reframe(input, gatheredFrom, sizeLine(remaining, 0), generationAtStart)) return;
                gatheredFrom = pos;
              }
            }
          }
        }
        case TRAILER_START -> {
          byte b = input.getByte(pos);
          if (b == '\r') {
            pos++;
            state = State.TRAILER_END_LF;
          } else if (b == '\n') {
            pos++;
            lastChunk(input, gatheredFrom, pos, false, generationAtStart);
            return;
          } else {
            state = State.TRAILER_LINE;
          }
        }
        case TRAILER_LINE -> {
          int lf = input.indexOf(pos, end, (byte) '\n');
          int to = lf < 0 ? end : lf + 1;
          if (trailerLength + to - pos > limits.trailerSection()) {
            fail(ResponseHead.invalid("a trailer section over " + limits.trailerSection() + " bytes"));
            return;
          }
          if (trailers.length < trailerLength + to - pos + 1) {
            trailers = Arrays.copyOf(trailers, Math.max(256, 2 * (trailerLength + to - pos + 1)));
          }
          input.getBytes(pos, trailers, trailerLength, to - pos);
          trailerLength += to - pos;
          pos = to;
          if (lf >= 0) state = State.TRAILER_START;
        }
        case TRAILER_END_LF -> {
          if (input.getByte(pos++) != '\n') {
            fail(ResponseHead.invalid("a CR without LF in the trailer section"));
            return;
          }
          lastChunk(input, gatheredFrom, pos, true, generationAtStart);
          return;
        }
        case IDLE -> {
          return;
        }
      }
    }
    input.readerIndex(pos);
    boolean inFraming = state == State.CHUNK_LINE || state == State.TRAILER_START || state == State.TRAILER_LINE
        || state == State.TRAILER_END_LF;
    hand(input, gatheredFrom, inFraming && framingStart >= 0 ? framingStart : inFraming ? gatheredFrom : pos);
    if (inFraming) framingStart = -1; // the framing read so far is written anew once it is all read
  }

  /**
   * The last chunk's line and the trailer section were read, ending at {@code pos} ({@code crlf}:
   * with CR LF): checks the trailers, hands on the framing anew unless it was written as this
   * reader would, and ends the response.
   */
  private void lastChunk(ByteBuf input, int gatheredFrom, int pos, boolean crlf, int generationAtStart) {
    byte[] lines = Trailers.NONE;
    if (trailerLength > 0) {
      trailers[trailerLength] = '\n'; // the empty line that ends the section
      try {
        lines = Trailers.rewrite(trailers, trailerLength + 1, 502);
      } catch (Http1Violation e) {
        fail(e);
        return;
      }
    }
    int from = gatheredFrom;
    if (delivery == Delivery.FRAMED && (framingStart < 0 || !chunkLine.canonical() || trailerLength > 0 || !crlf)) {
      ByteBuf last = sizeLine(0, lines.length + 2).writeBytes(lines).writeBytes(CRLF);
      if (!reframe(input, gatheredFrom, last, generationAtStart)) return;
      from = pos;
    }
    endAt(input, from, pos, generationAtStart);
  }

  /** The framing the reader writes before a chunk of {@code size}, with room for {@code extra} bytes. */
  private ByteBuf sizeLine(long size, int extra) {
    ByteBuf line = allocator.buffer(2 + 16 + 2 + extra);
    if (framingAfterData) line.writeBytes(CRLF);
    int shift = 60;
    while (shift > 0 && (size >>> shift) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) line.writeByte(HEX[(int) (size >>> shift) & 0xf]);
    return line.writeBytes(CRLF);
  }

  /**
   * Hands on what was gathered before the framing just read, then {@code framing} in its place;
   * false if the listener stopped listening meanwhile.
   */
  private boolean reframe(ByteBuf input, int gatheredFrom, ByteBuf framing, int generationAtStart) {
    hand(input, gatheredFrom, framingStart >= 0 ? framingStart : gatheredFrom);
    if (generation != generationAtStart || listener == null) {
      framing.release();
      return false;
    }
    listener.body(framing, 0);
    return generation == generationAtStart;
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
      case FRAMED -> gatheredPayload += length;
      case DISCARD -> { }
    }
  }

  /** Hands on the bytes received from {@code from} to {@code to}, when they are wanted framed. */
  private void hand(ByteBuf input, int from, int to) {
    if (delivery != Delivery.FRAMED || to <= from || listener == null) return;
    int payloadBytes = gatheredPayload;
    gatheredPayload = 0;
    listener.body(input.retainedSlice(from, to - from), payloadBytes);
  }

  private void end(boolean reusable) {
    boolean clean = !interimAnnouncedBody;
    lastHeard().end(reusable && clean);
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
