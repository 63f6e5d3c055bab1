package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.oscope.http1.RequestDecoder;
import io.oscope.http1.RequestHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: serves its requests one at a time, each by an {@link Exchange}. While a
 * request is served, the next one a client pipelines stays unread in the {@link RequestDecoder}'s
 * buffer (reads stop), so a connection holds at most one request head and one read of bytes. After
 * a response that closes the connection, nothing more is read or processed (RFC 9112 section 9.6).
 *
 * <p>Deadlines are checked by {@link Deadlines}' sweep with the proxy's clock: a connection idle
 * between requests, a head that does not arrive whole in time, a request body that stalls, an
 * upstream that does not answer. Errors the proxy answers itself go through {@link ErrorMapper}.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

  private final ProxyContext context;
  private final RequestPipeline pipeline;
  private final RequestDecoder decoder;
  private final HeadBudget budget;
  private ChannelHandlerContext ctx;
  /** The direct peer's IP address: the TCP peer's, or the source its PROXY protocol header gave. */
  private String peer;
  private Runnable closedMetric;
  /** The request being served, or null between requests. */
  private Exchange current;
  /** Whether the current request's body has been read to its end. */
  private boolean requestDone = true;
  /** Set once a response says the connection closes: nothing more is read or served. */
  private boolean closeAfterResponse;
  private boolean resuming;
  /** Bytes of request heads this connection holds against the proxy's {@link HeadBudget}. */
  private long heldBytes;
  /** When the connection became ready for its next request, on the proxy's clock. */
  private long readySince;
  /** Whether part of the next head was received, and since when. */
  private boolean headStarted;
  private long headSeenAt;
  /** When the current request's body last made progress (or reads were not wanted), or 0. */
  private long bodyProgressAt;

  ClientConnection(ProxyContext context, RequestPipeline pipeline, RequestDecoder decoder, HeadBudget budget) {
    this.context = context;
    this.pipeline = pipeline;
    this.decoder = decoder;
    this.budget = budget;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    peer = addressOf(ctx.channel().remoteAddress());
    closedMetric = context.metrics().connectionOpened();
    readySince = context.ticker().nanoTime();
    Deadlines.of(ctx.executor(), context).add(this);
    ctx.fireChannelActive();
  }

  /** A PROXY protocol header named the client: it is the peer from now on (it comes before any request). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof ProxyHeader.Source source) peer = source.address();
    else ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closedMetric != null) closedMetric.run();
    Deadlines.of(ctx.executor(), context).remove(this);
    Exchange forwarding = current;
    current = null;
    if (forwarding != null) {
      forwarding.clientClosed();
      context.log(forwarding.record());
    }
    holdBytes(0);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (closeAfterResponse) {
      ReferenceCountUtil.release(message); // RFC 9112 section 9.6: nothing after a closing response
      return;
    }
    if (message instanceof ByteBuf part) {
      if (current != null) {
        bodyProgressAt = context.ticker().nanoTime();
        current.requestBody(part);
      } else {
        part.release();
      }
    } else if (message instanceof RequestHead head) {
      requestDone = !head.hasBody();
      begin(head);
    } else if (message instanceof RequestDecoder.End end) {
      requestDone = true;
      if (current != null) current.requestBody(end);
      else ready(); // the body of a request answered early was read to its end
    } else if (message instanceof RequestDecoder.Refused refused) {
      requestDone = true;
      ProxyError error = ProxyError.of(refused.violation());
      if (!refused.midBody()) {
        fail(context.record("-", "-", peer), error, true);
      } else if (current != null) {
        current.requestFailed(error);
      } else {
        ctx.close(); // the request was answered already; what follows cannot be read
      }
    }
    updateReads();
  }

  private void begin(RequestHead request) {
    decoder.holdHeads(true);
    holdBytes(request.bytes().length);
    headStarted = false;
    ScopeRouter router = context.router(); // one table for the whole record, even across a reload
    String client = context.rules().clientOf(peer, request, router.table());
    RequestRecord record = context.record(request.method().name(), ScopeRouter.pathOnly(request.target()), client);
    bodyProgressAt = record.startNanos;
    record.readIds(request);
    context.trace(record, request);
    try {
      current = pipeline.prepare(router, this, ctx, request, record);
    } catch (ProxyException e) {
      if (e.serviceType() != null) record.service = e.serviceType();
      fail(record, e.error(), request.hasBody() || !request.keepAlive());
      return;
    } catch (RuntimeException e) {
      // A bug of ours: the client still gets an answer, and the log the stack (never a header).
      LOG.error("internal error deciding the route of {} {}", record.method, record.path, e);
      fail(record, new ProxyError.Internal(), true);
      return;
    }
    current.start();
  }

  /**
   * Answers {@code error} for a request that got no response yet; closes the connection after it
   * if {@code close} (a request body that may follow is not read).
   */
  void fail(RequestRecord record, ProxyError error, boolean close) {
    boolean closing = close || context.closing();
    byte[] body = ErrorMapper.body(error);
    ByteBuf response = ErrorMapper.response(error, body, ctx.alloc(), context.rules().viaEntry(), closing);
    record.status = error.status();
    record.bytes = body.length;
    if (record.spans != null) record.failure = ErrorMapper.kind(error);
    ErrorMapper.count(error, context.metrics());
    if (closing) {
      closeAfterResponse = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response, ctx.voidPromise());
    }
    if (current == null) {
      context.log(record);
      ready();
    }
  }

  /** The direct peer's IP address, which {@code X-Forwarded-For} gets: the client's is in the request's record. */
  String peer() {
    return peer;
  }

  /** Whether the connection may stay open after the current response, as far as the proxy is concerned. */
  boolean keepAlive() {
    return !context.closing() && !closeAfterResponse;
  }

  /** {@code forwarding} is over (answered, failed or cut): logs it and serves the next request. */
  void finished(Exchange forwarding) {
    if (current != forwarding) return;
    current = null;
    context.log(forwarding.record());
    if (forwarding.closesClient()) closeAfterResponse = true;
    ready();
  }

  /** Between requests: the next one may be read, unless the connection is closing. */
  private void ready() {
    holdBytes(0);
    readySince = context.ticker().nanoTime();
    bodyProgressAt = 0;
    if (closeAfterResponse || !ctx.channel().isActive()) return;
    if (context.closing() && requestDone) {
      ctx.channel().close();
      return;
    }
    if (!requestDone) return; // the rest of the body is read and dropped first
    decoder.holdHeads(false);
    if (decoder.midHead()) startHead(readySince); // part of the next head came already
    // A request already buffered is read now; one that fails at once makes this loop go round
    // again rather than recurse.
    if (resuming) return;
    resuming = true;
    try {
      decoder.resume();
    } finally {
      resuming = false;
    }
    updateReads();
  }

  /**
   * Reads on while the request in progress can take more body, or between requests while the
   * proxy's budget for request heads allows.
   */
  void updateReads() {
    boolean wanted;
    if (closeAfterResponse) wanted = false;
    else if (current != null) wanted = !requestDone && current.wantsClientReads();
    else wanted = requestDone && !budget.exhausted();
    var config = ctx.channel().config();
    if (config.isAutoRead() != wanted) {
      config.setAutoRead(wanted);
      if (current != null && !requestDone) bodyProgressAt = context.ticker().nanoTime(); // waiting on us
    }
  }

  private void holdBytes(long bytes) {
    if (bytes != heldBytes) {
      budget.add(bytes - heldBytes);
      heldBytes = bytes;
    }
  }

  /**
   * Checks this connection's deadlines at {@code now}: called by its event loop's sweep.
   */
  void checkDeadlines(long now) {
    if (!ctx.channel().isActive()) return;
    ProxySettings settings = context.settings();
    Exchange forwarding = current;
    if (forwarding == null) {
      if (closeAfterResponse) return;
      if (decoder.midHead()) {
        if (!headStarted) startHead(now);
        else if (now - headSeenAt >= settings.headTimeout().toNanos()) timeOut("the request head", settings.headTimeout());
      } else if (now - readySince >= settings.maxIdle().toNanos()) {
        ctx.close(); // idle keep-alive connection
      } else {
        updateReads(); // the head budget may have room again
      }
      return;
    }
    if (!requestDone && ctx.channel().config().isAutoRead() && now - bodyProgressAt >= settings.bodyTimeout().toNanos()) {
      forwarding.requestFailed(new ProxyError.RequestTimeout("the request body", settings.bodyTimeout()));
      return;
    }
    forwarding.checkTimeout(now);
  }

  /** The next head's first bytes came at {@code now}: its deadline runs from then. */
  private void startHead(long now) {
    headStarted = true;
    headSeenAt = now;
  }

  private void timeOut(String what, Duration limit) {
    fail(context.record("-", "-", peer), new ProxyError.RequestTimeout(what, limit), true);
  }

  /** Closes the connection now if it is between requests; else it closes after the current response. */
  void closeWhenIdle() {
    if (current == null) ctx.channel().close();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Exchange forwarding = current;
    if (forwarding != null) forwarding.clientReadComplete();
    else if (!headStarted && decoder.midHead()) startHead(context.ticker().nanoTime());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Exchange forwarding = current;
    if (forwarding != null) forwarding.clientWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("client connection {} failed: {}", peer, cause.getMessage());
    } else {
      LOG.warn("client connection {} failed", peer, cause);
    }
    ctx.close();
  }

  private static String addressOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(address);
  }
}
