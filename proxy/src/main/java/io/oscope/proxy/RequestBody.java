package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundInvoker;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A request body on its way upstream: its parts are written as they come ({@link #send}), in
 * chunks if it goes chunked; those that come before the upstream connection is ready are held in
 * an instance, made only then.
 */
final class RequestBody {
  private static final byte[] CRLF = HeaderNames.ascii("\r\n");

  /** Parts held: buffers, then the {@link RequestDecoder.End}. */
  private final ArrayDeque<Object> held = new ArrayDeque<>();

  /** Keeps {@code part} (a buffer or the end) until {@link #sendTo}. */
  void hold(Object part) {
    held.add(part);
  }

  /** Writes what was held to {@code channel}, without flushing. */
  void sendTo(Channel channel, boolean chunked) {
    for (Object part = held.poll(); part != null; part = held.poll()) send(channel, part, chunked);
  }

  /** Writes a part of the body, in a chunk if {@code chunked}; or its end. */
  static void send(Channel channel, Object part, boolean chunked) {
    if (part instanceof ByteBuf data) {
      if (chunked) writeChunk(channel, channel.alloc(), data);
      else channel.write(data, channel.voidPromise());
    } else if (chunked) {
      byte[] trailers = ((RequestDecoder.End) part).trailers();
      ByteBuf end = channel.alloc().buffer(5 + trailers.length);
      end.writeByte('0').writeBytes(CRLF).writeBytes(trailers).writeBytes(CRLF);
      channel.write(end, channel.voidPromise());
    }
  }

  /** Releases what was held: no one will take it. */
  void drop() {
    for (Object part = held.poll(); part != null; part = held.poll()) {
      if (part instanceof ByteBuf data) data.release();
    }
  }

  /** Writes {@code data} as one chunk of a chunked body: its size line, itself, CR LF. */
  static void writeChunk(ChannelOutboundInvoker out, ByteBufAllocator allocator, ByteBuf data) {
    ByteBuf size = allocator.buffer(20);
    size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
    out.write(size.writeBytes(CRLF), out.voidPromise());
    out.write(data, out.voidPromise());
    out.write(Unpooled.wrappedBuffer(CRLF), out.voidPromise());
  }
}
