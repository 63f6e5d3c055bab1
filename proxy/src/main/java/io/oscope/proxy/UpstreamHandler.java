package io.oscope.proxy;

import io.oscope.http1.Http1Limits;
import io.oscope.http1.ResponseReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.oscope.routes.HostPort;

/**
 * The end of one upstream connection: reads what the upstream answers with a
 * {@link ResponseReader} and hands it to the {@link Forwarding} the connection currently serves.
 * An idle connection that receives anything is closed: an upstream has nothing to say between
 * requests.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamChannels owner;
  private final HostPort address;
  private final boolean https;
  private Channel channel;
  private ResponseReader reader;
  private Forwarding forwarding;
  private long idleSince;

  UpstreamHandler(UpstreamChannels owner, HostPort address, boolean https) {
    this.owner = owner;
    this.address = address;
    this.https = https;
  }

  HostPort address() {
    return address;
  }

  boolean https() {
    return https;
  }

  Channel channel() {
    return channel;
  }

  long idleSince() {
    return idleSince;
  }

  void idleSince(long nanos) {
    idleSince = nanos;
  }

  /**
   * Lends the connection to {@code user} until it is released or closed; the next bytes read are
   * the answer to its request, {@code toHead} if that is a HEAD.
   */
  void serve(Forwarding user, boolean toHead) {
    forwarding = user;
    reader.expect(user, toHead);
  }

  /** Takes the connection back from its user without closing it, for the pool. */
  void release() {
    forwarding = null;
    reader.stop();
    owner.release(this);
  }

  /** Closes the connection, which its user will no longer hear from. */
  void discard() {
    forwarding = null;
    reader.stop();
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    reader = new ResponseReader(ctx.alloc(), Http1Limits.defaults());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (forwarding == null || !reader.busy() || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    try {
      reader.read(bytes);
    } finally {
      bytes.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Forwarding user = forwarding;
    if (user != null) user.upstreamReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Forwarding user = forwarding;
    if (user != null) user.upstreamWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Forwarding user = forwarding;
    forwarding = null;
    if (user == null) {
      owner.closed(this);
    } else if (!reader.closed()) { // a body that runs until the connection closes ends here
      reader.stop();
      user.upstreamFailed(null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Forwarding user = forwarding;
    forwarding = null;
    reader.stop();
    ctx.close();
    if (user != null) user.upstreamFailed(cause);
  }
}
