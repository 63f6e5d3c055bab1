package io.oscope.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads a client connection's requests from the bytes as they arrive. Each request is, in order:
 * its {@link RequestHead}; if it has a body, the body's payload as slices of the buffers read
 * ({@link ByteBuf}s, chunk framing removed, never copied) and an {@link End}. A request that
 * cannot be read is a {@link Refused}, after which nothing more is read from the connection: its
 * answer is the last.
 *
 * <p>A chunked body is followed chunk by chunk; its trailers are checked as header lines are, and
 * those a trailer may not carry dropped ({@link Trailers}).
 * Heads wait whole in the cumulation buffer, within the limits given; the search for their end
 * goes on where the last read left it.
 */
public final class RequestDecoder extends ByteToMessageDecoder {

  /** The end of a request body, with the trailer lines of a chunked one (empty if none). */
  public record End(byte[] trailers) {
    static final End PLAIN = new End(new byte[0]);
  }

  /** A request that cannot be read: its head, or its body if {@code midBody}, broke the rules. */
  public record Refused(Http1Violation violation, boolean midBody) {}

  private enum State {
    HEAD, FIXED, CHUNK_LINE, CHUNK_DATA, TRAILERS, BROKEN
  }

  private final Http1Limits limits;
  private ChannelHandlerContext ctx;
  /** Whether the next head waits where it is, unread: the connection is busy with a request. */
  private boolean held;
  private State state = State.HEAD;
  private long remaining;
  private final ChunkLine chunkLine;
  /** How far past the reader index the search for a head's end got: the start of its last incomplete line. */
  private int searched;

  public RequestDecoder(Http1Limits limits) {
    this.limits = limits;
    this.chunkLine = new ChunkLine(limits.chunkLine());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Whether to read the next request's head: while held, a head stays in the buffer as bytes,
   * never parsed nor copied, so a client that pipelines requests costs one buffer, not a queue of
   * heads. Bodies go on being read.
   */
  public void holdHeads(boolean hold) {
    held = hold;
  }

  /** Reads what is buffered already: called once heads are no longer held. */
  public void resume() {
    if (ctx != null && !held && !ctx.isRemoved() && internalBuffer().isReadable()) {
      try {
        channelRead(ctx, Unpooled.EMPTY_BUFFER);
      } catch (Exception e) {
        ctx.fireExceptionCaught(e);
      }
    }
  }

  /** Whether part of a head was received and the rest is awaited. */
  public boolean midHead() {
    return state == State.HEAD && !held && internalBuffer().isReadable();
  }

  /** The bytes received and not handed on yet. */
  public int bufferedBytes() {
    return internalBuffer().readableBytes();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      switch (state) {
        case HEAD -> {
          if (held || !head(in, out)) return;
          // Handed on before the next head is read, so that the connection can hold it.
          if (state == State.HEAD) return;
        }
        case FIXED, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          out.add(in.readRetainedSlice(n));
          remaining -= n;
          if (remaining == 0) {
            if (state == State.FIXED) {
              out.add(End.PLAIN);
              state = State.HEAD;
              return;
            } else {
              chunkLine.afterData();
              state = State.CHUNK_LINE;
            }
          }
        }
        case CHUNK_LINE -> {
          in.readerIndex(chunkLine.read(in, in.readerIndex(), in.writerIndex()));
          if (chunkLine.problem() != null) {
            refuse(in, out, chunkLine.problem());
            return;
          }
          if (chunkLine.done()) {
            remaining = chunkLine.size();
            state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
          }
        }
        case TRAILERS -> {
          if (!trailers(in, out)) return;
        }
        case BROKEN -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /** Reads a head if it is all there; false if it is not (or was refused). */
  private boolean head(ByteBuf in, List<Object> out) {
    if (searched == 0) {
      // Empty lines before a request line are ignored (RFC 9112 section 2.2); a CR alone is not one.
      while (in.isReadable()) {
        byte b = in.getByte(in.readerIndex());
        if (b == '\n') {
          in.skipBytes(1);
        } else if (b == '\r' && in.readableBytes() == 1) {
          return false; // its LF comes with the next read
        } else if (b == '\r' && in.getByte(in.readerIndex() + 1) == '\n') {
          in.skipBytes(2);
        } else {
          break;
        }
      }
      if (!in.isReadable()) return false;
    }
    int start = in.readerIndex();
    int end = sectionEnd(in, start + searched, in.writerIndex());
    int maxLine = limits.requestLine();
    int firstLine = in.indexOf(start, Math.min(in.writerIndex(), start + maxLine + 2), (byte) '\n');
    if (firstLine < 0 && in.readableBytes() > maxLine + 1) {
      refuse(in, out, new Http1Violation(414, "the request line exceeds " + maxLine + " bytes"));
      return false;
    }
    if (firstLine >= 0 && (end < 0 ? in.writerIndex() : end) - firstLine > limits.headerSection()) {
      refuse(in, out, new Http1Violation(431, "the header section exceeds " + limits.headerSection() + " bytes"));
      return false;
    }
    if (end < 0) {
      searched = lastLineStart(in, start + searched, in.writerIndex()) - start;
      return false;
    }
    searched = 0;
    byte[] bytes = new byte[end - start];
    in.readBytes(bytes);
    RequestHead head;
    try {
      head = new RequestHead(bytes, bytes.length, maxLine);
    } catch (Http1Violation e) {
      refuse(in, out, e);
      return false;
    }
    out.add(head);
    if (head.chunked()) {
      chunkLine.first();
      state = State.CHUNK_LINE;
    } else if (head.contentLength() > 0) {
      remaining = head.contentLength();
      state = State.FIXED;
    }
    return true;
  }

  /** Reads the trailer section if it is all there; false if it is not (or was refused). */
  private boolean trailers(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int end = sectionEnd(in, start, in.writerIndex());
    if ((end < 0 ? in.writerIndex() : end) - start > limits.trailerSection()) {
      refuse(in, out, new Http1Violation(431, "the trailer section exceeds " + limits.trailerSection() + " bytes"));
      return false;
    }
    if (end < 0) return false;
    End last = End.PLAIN;
    if (end - start > 2) {
      byte[] bytes = new byte[end - start];
      in.getBytes(start, bytes);
      try {
        last = new End(Trailers.rewrite(bytes, bytes.length, 400));
      } catch (Http1Violation e) {
        refuse(in, out, e);
        return false;
      }
    }
    in.readerIndex(end);
    out.add(last);
    state = State.HEAD;
    return false; // handed on before the next head is read
  }

  private void refuse(ByteBuf in, List<Object> out, String problem) {
    refuse(in, out, Http1Violation.malformed(problem));
  }

  private void refuse(ByteBuf in, List<Object> out, Http1Violation violation) {
    out.add(new Refused(violation, state != State.HEAD));
    state = State.BROKEN;
    in.skipBytes(in.readableBytes());
  }

  /** The index after the empty line that ends the section of lines at {@code from}, or -1. */
  private static int sectionEnd(ByteBuf in, int from, int end) {
    for (int line = from; ; ) {
      int lf = in.indexOf(line, end, (byte) '\n');
      if (lf < 0) return -1;
      int length = lf - line;
      if (length == 0 || length == 1 && in.getByte(line) == '\r') return lf + 1;
      line = lf + 1;
    }
  }

  /** The start of the last line from {@code from} to {@code end}, which has no line feed yet. */
  private static int lastLineStart(ByteBuf in, int from, int end) {
    int line = from;
    for (int lf = in.indexOf(line, end, (byte) '\n'); lf >= 0; lf = in.indexOf(line, end, (byte) '\n')) line = lf + 1;
    return line;
  }
}
