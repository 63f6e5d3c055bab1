package io.oscope.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol header (HAProxy's, v1 text or v2 binary) a layer-4 balancer sends first on
 * each connection ({@code --proxy-protocol}), as HAProxy's {@code accept-proxy} reads it: a
 * connection that does not start with a valid one is closed unanswered. The source address of a
 * {@code PROXY} header of TCP over IPv4 or IPv6 becomes the connection's peer for {@link
 * ClientConnection}: the client in the access log, the address {@code X-Forwarded-For} gets. A
 * {@code LOCAL} header (the balancer's own health check) or an unknown or non-TCP family keeps the
 * connection's own address, as HAProxy does.
 *
 * <p>Who may send one: if {@code --trusted-proxy} lists addresses, only those peers (the
 * balancers); a connection from any other is closed before a byte is read, so that no client can
 * name itself another address. With no list, any peer, as with HAProxy's {@code accept-proxy}: the
 * listener must then be reachable through the balancers alone.
 *
 * <p>Netty's decoder removes itself after the header, as this handler does: what follows reaches
 * TLS or the request decoder as if the header had never been there, and costs nothing more.
 */
final class ProxyHeader extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyHeader.class);

  /** The user event that gives {@link ClientConnection} the client's {@code address} from the header. */
  record Source(String address) {}

  private ProxyHeader() {}

  /**
   * Readies {@code channel}, just accepted, to read a PROXY header first: false if its peer may
   * not send one ({@code trusted} lists addresses, none of them the peer's), and it must be closed.
   */
  static boolean install(Channel channel, TrustedHops trusted) {
    if (!trusted.specs().isEmpty() && !(channel.remoteAddress() instanceof InetSocketAddress peer
        && peer.getAddress() != null && trusted.trusts(peer.getAddress().getHostAddress()))) {
      LOG.debug("connection from {} closed: not a --trusted-proxy, so no PROXY header of its is believed",
          channel.remoteAddress());
      return false;
    }
    channel.pipeline().addLast(new HAProxyMessageDecoder(), new ProxyHeader());
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!(message instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(message); // cannot come first: the decoder lets nothing by before the header
      return;
    }
    try {
      String source = sourceOf(header);
      if (source != null) ctx.fireUserEventTriggered(new Source(source));
    } finally {
      header.release();
    }
    ctx.pipeline().remove(this);
  }

  /** The client's address in {@code header}, as {@code InetAddress#getHostAddress()} writes it; null to keep the peer's. */
  static String sourceOf(HAProxyMessage header) {
    if (header.command() != HAProxyCommand.PROXY) return null;
    return switch (header.proxiedProtocol()) {
      case TCP4, TCP6 -> TrustedHops.normalised(header.sourceAddress());
      default -> null;
    };
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof HAProxyProtocolException) {
      // The decoder closed the connection already: a scanner, or a client that bypassed the balancer.
      LOG.debug("connection from {} closed: no valid PROXY header ({})", ctx.channel().remoteAddress(), cause.getMessage());
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }
}
