package io.oscope.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.oscope.http1.Http1Limits;
import io.oscope.http1.ResponseReader;
import io.oscope.routes.HostPort;
import java.util.concurrent.RejectedExecutionException;

/**
 * The end of one upstream connection: reads what the upstream answers with a
 * {@link ResponseReader} and hands it to the {@link UpstreamListener} it is lent to. An idle
 * connection that receives anything is closed: an upstream has nothing to say between requests.
 *
 * <pre>{@code
 * upstream.serve(listener, false);    // then write the request to upstream.channel()
 * upstream.release();                 // after a reusable end, else upstream.discard()
 * }</pre>
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamChannels owner;
  private final HostPort address;
  private final boolean https;
  /** The connections of {@link #address}, across event loops; this one counts in use while lent. */
  private final AddressLoad load;
  /** Pools the connection once the reads in progress are over: see {@link #release()}. */
  private final Runnable pool = this::pool;
  private Channel channel;
  private ResponseReader reader;
  private UpstreamListener listener;
  private boolean lent;
  private boolean served;
  private boolean reused;
  private long received;
  private long idleSince;

  UpstreamHandler(UpstreamChannels owner, HostPort address, boolean https, AddressLoad load) {
    this.owner = owner;
    this.address = address;
    this.https = https;
    this.load = load;
    this.lent = true;
  }

  HostPort address() {
    return address;
  }

  boolean https() {
    return https;
  }

  AddressLoad load() {
    return load;
  }

  public Channel channel() {
    return channel;
  }

  long idleSince() {
    return idleSince;
  }

  /**
   * Lends the connection to {@code user} until it is released or closed; the next bytes read are
   * the answer to its request, {@code toHead} if that is a HEAD.
   */
  public void serve(UpstreamListener user, boolean toHead) {
    listener = user;
    reused = served;
    served = true;
    received = 0;
    reader.expect(user, toHead);
  }

  /** Whether the connection carried an exchange before this one: a stale one may close unannounced. */
  public boolean reused() {
    return reused;
  }

  /** How many bytes the upstream sent since {@link #serve}: zero means no answer began. */
  public long received() {
    return received;
  }

  /**
   * Takes the connection back from its user without closing it, for the pool. A response that
   * ended by its own framing pools it at once, so the next request on this event loop finds it
   * whatever order the loop handles its events in (io_uring handles new completions before tasks).
   * A response whose end the proxy inferred (HEAD, 204, 304) pools it only after the loop's
   * pending reads: a body the upstream sent anyway closes it there rather than reach the next
   * request. Idle connections that receive anything are closed either way.
   */
  public void release() {
    boolean framed = reader.endedByItsFraming();
    stop();
    idleSince = owner.now();
    if (framed && channel.eventLoop().inEventLoop()) {
      pool();
      return;
    }
    try {
      channel.eventLoop().execute(pool);
    } catch (RejectedExecutionException e) {
      channel.close(); // the event loop is shutting down: no one will use the connection again
    }
  }

  /** Closes the connection, which its user will no longer hear from. */
  public void discard() {
    stop();
    channel.close();
  }

  private void stop() {
    listener = null;
    reader.stop();
    returned();
  }

  private void pool() {
    if (channel.isActive() && listener == null) owner.pool(this);
  }

  /** The connection is lent again, from the pool. */
  void lend() {
    lent = true;
  }

  /** The connection no longer counts as in use; once, however many ways it ends. */
  private void returned() {
    if (lent) {
      lent = false;
      load.inUse.decrementAndGet();
    }
  }

  /** The connection could not be opened. */
  void failed() {
    returned();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    reader = new ResponseReader(ctx.alloc(), Http1Limits.defaults());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener == null || !reader.busy() || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    received += bytes.readableBytes();
    try {
      reader.read(bytes);
    } finally {
      bytes.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener user = listener;
    if (user != null) user.readComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener user = listener;
    if (user != null) user.writabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener user = listener;
    listener = null;
    if (user == null) {
      owner.closed(this);
    } else if (!reader.closed()) { // a body that runs until the connection closes ends here
      reader.stop();
      returned();
      user.closed(null);
    }
    returned();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener user = listener;
    listener = null;
    reader.stop();
    returned();
    ctx.close();
    if (user != null) user.closed(cause);
  }
}
