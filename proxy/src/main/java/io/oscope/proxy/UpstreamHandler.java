package io.oscope.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.oscope.routes.HostPort;

/**
 * The end of one upstream connection: hands what the upstream sends to the {@link Forwarding}
 * the connection currently serves. An idle connection that receives anything is closed: an
 * upstream has nothing to say between requests.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamChannels owner;
  private final HostPort address;
  private final boolean https;
  private Channel channel;
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

  /** Lends the connection to {@code user} until it is released or closed. */
  void serve(Forwarding user) {
    forwarding = user;
  }

  /** Takes the connection back from its user without closing it, for the pool. */
  void release() {
    forwarding = null;
    owner.release(this);
  }

  /** Closes the connection, which its user will no longer hear from. */
  void discard() {
    forwarding = null;
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Forwarding user = forwarding;
    if (user == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    user.upstreamRead(msg);
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
    if (user != null) user.upstreamFailed(null);
    else owner.closed(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Forwarding user = forwarding;
    forwarding = null;
    ctx.close();
    if (user != null) user.upstreamFailed(cause);
  }
}
