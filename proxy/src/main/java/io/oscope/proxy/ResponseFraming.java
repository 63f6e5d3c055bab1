package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.ResponseHead;
import io.oscope.http1.ResponseReader;

/**
 * How a response's body goes to the client, from how the upstream frames it and what the client
 * reads. Pure; one constant per case, so choosing costs nothing per request.
 */
enum ResponseFraming {
  /** No body, or one of a known length: relayed as received. */
  AS_RECEIVED(false, ResponseReader.Delivery.FRAMED, false, false),
  /** Chunked, to an HTTP/1.1 client: relayed chunk by chunk, in the framing the reader writes. */
  CHUNKED(true, ResponseReader.Delivery.FRAMED, false, false),
  /**
   * Ended by the upstream closing, to an HTTP/1.1 client: chunked by the proxy, so that a body cut
   * short lacks its last chunk and the client knows.
   */
  RECHUNKED(true, ResponseReader.Delivery.PAYLOAD, true, false),
  /** Chunked, to an HTTP/1.0 client: the payload alone, ended by closing the client connection. */
  PAYLOAD_THEN_CLOSE(false, ResponseReader.Delivery.PAYLOAD, false, true),
  /** Ended by the upstream closing, to an HTTP/1.0 client: relayed, then the client connection closes. */
  UNTIL_CLOSE(false, ResponseReader.Delivery.FRAMED, false, true);

  private static final byte[] LAST_CHUNK = HeaderNames.ascii("0\r\n\r\n");

  private final boolean chunkedHead;
  private final ResponseReader.Delivery delivery;
  private final boolean chunksPayload;
  private final boolean closesClient;

  ResponseFraming(boolean chunkedHead, ResponseReader.Delivery delivery, boolean chunksPayload, boolean closesClient) {
    this.chunkedHead = chunkedHead;
    this.delivery = delivery;
    this.chunksPayload = chunksPayload;
    this.closesClient = closesClient;
  }

  /** The framing of a response framed as {@code framing} for an HTTP/1.1 client if {@code http11Client}, else 1.0. */
  static ResponseFraming of(ResponseHead.Framing framing, boolean http11Client) {
    return switch (framing) {
      case NONE, LENGTH -> AS_RECEIVED;
      case CHUNKED -> http11Client ? CHUNKED : PAYLOAD_THEN_CLOSE;
      case UNTIL_CLOSE -> http11Client ? RECHUNKED : UNTIL_CLOSE;
    };
  }

  /** Whether the head for the client says {@code Transfer-Encoding: chunked}. */
  boolean chunkedHead() {
    return chunkedHead;
  }

  /** How the body is wanted from the {@link ResponseReader}. */
  ResponseReader.Delivery delivery() {
    return delivery;
  }

  /** Whether the proxy wraps each part of the payload in a chunk, and ends with the last chunk. */
  boolean chunksPayload() {
    return chunksPayload;
  }

  /** Writes a part of the body to the client: in a chunk of its own if this framing chunks the payload. */
  void writeBody(ChannelHandlerContext client, ByteBuf part) {
    if (chunksPayload) RequestBody.writeChunk(client, client.alloc(), part);
    else client.write(part, client.voidPromise());
  }

  /** Ends the body for the client, with the last chunk if it is chunked here; then closes the connection if {@code close}. */
  void writeEnd(ChannelHandlerContext client, boolean close) {
    ByteBuf last = chunksPayload ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER;
    if (close) client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    else client.writeAndFlush(last, client.voidPromise());
  }

  /** Whether the client connection closes after the response, its only end of body otherwise. */
  boolean closesClient() {
    return closesClient;
  }

  /**
   * Whether the client connection closes after this response, if it was to be kept alive when
   * {@code keepAlive}.
   */
  boolean closeAfter(boolean keepAlive) {
    return closesClient || !keepAlive;
  }

  /** The {@code Connection} line of the head for the client. */
  ResponseHead.ConnectionLine connection(boolean http11Client, boolean keepAlive) {
    if (closeAfter(keepAlive)) return ResponseHead.ConnectionLine.CLOSE;
    return http11Client ? ResponseHead.ConnectionLine.NONE : ResponseHead.ConnectionLine.KEEP_ALIVE;
  }
}
