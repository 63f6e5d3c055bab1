package io.oscope.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;

/**
 * Rewrites the request line of an upstream request into absolute form
 * ({@code GET http://h:9292/v2/images HTTP/1.1}) when the request goes to a peer proxy. Netty's
 * HttpProxyHandler only tunnels with CONNECT, which a peer running the seed's HAProxy would not
 * route; this is what a browser does with a plain-HTTP proxy.
 */
@ChannelHandler.Sharable
final class AbsoluteForm extends ChannelOutboundHandlerAdapter {
  static final String NAME = "oscope.absoluteForm";
  static final AbsoluteForm INSTANCE = new AbsoluteForm();

  /** The absolute URI of the request being sent on a channel, or null to leave it as it is. */
  static final AttributeKey<String> URI = AttributeKey.valueOf("oscope.absoluteUri");

  private AbsoluteForm() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest request) {
      String absolute = ctx.channel().attr(URI).get();
      if (absolute != null) request.setUri(absolute);
    }
    ctx.write(msg, promise);
  }
}
