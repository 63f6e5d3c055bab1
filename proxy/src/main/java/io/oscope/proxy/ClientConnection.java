package io.oscope.proxy;

import io.oscope.http1.RequestDecoder;
import io.oscope.http1.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes its requests, decides each one's route and runs one
 * {@link Forwarding} at a time. Requests a client pipelines wait their turn here (a few dozen at
 * most: then the connection stops reading until they are served). Errors the proxy answers itself
 * are OpenStack-style JSON bodies, including for requests the {@link RequestDecoder} refused.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
  private static final int MAX_QUEUED = 64;

  private final ProxyContext context;
  private final RequestPipeline pipeline;
  private ChannelHandlerContext ctx;
  private String clientAddress;
  private Runnable closedMetric;
  /** The request being served, or null between requests. */
  private Forwarding current;
  /** Whether the last request's body has been read to its end. */
  private boolean requestDone = true;
  private boolean closeAfterResponse;
  private final ArrayDeque<Object> queued = new ArrayDeque<>(0);
  private boolean draining;
  /** One timer for the response timeouts of all the connection's requests, pending while one waits. */
  private ScheduledFuture<?> responseTimer;
  private final Runnable responseTimerTask = this::responseTimerFired;

  ClientConnection(ProxyContext context, RequestPipeline pipeline) {
    this.context = context;
    this.pipeline = pipeline;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    clientAddress = addressOf(ctx.channel().remoteAddress());
    closedMetric = context.metrics().connectionOpened();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closedMetric != null) closedMetric.run();
    if (responseTimer != null) responseTimer.cancel(false);
    Forwarding forwarding = current;
    current = null;
    if (forwarding != null) {
      forwarding.clientClosed();
      context.log(forwarding.exchange());
    }
    for (Object message = queued.poll(); message != null; message = queued.poll()) ReferenceCountUtil.release(message);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (!queued.isEmpty() || (current != null && requestDone)) {
      // Pipelined: the previous request's response is not complete yet.
      queued.add(message);
      updateReads();
      return;
    }
    handle(message);
    updateReads();
  }

  private void handle(Object message) {
    if (message instanceof ByteBuf part) {
      if (current != null) current.requestBody(part);
      else part.release();
    } else if (message instanceof RequestHead head) {
      requestDone = !head.hasBody();
      begin(head);
    } else if (message instanceof RequestDecoder.End end) {
      requestDone = true;
      if (current != null) current.requestEnd(end);
    } else if (message instanceof RequestDecoder.Refused refused) {
      requestDone = true;
      if (!refused.midBody()) {
        fail(new Exchange("-", "-", clientAddress, context.ticker().nanoTime()), ProxyError.of(refused.violation()), true);
      } else if (current != null) {
        current.requestFailed(ProxyError.of(refused.violation()));
      } else {
        ctx.close(); // the request was answered already; what follows cannot be read
      }
    }
  }

  private void begin(RequestHead request) {
    Exchange exchange = new Exchange(request.method().name(), ScopeRouter.pathOnly(request.target()), clientAddress,
        context.ticker().nanoTime());
    ScopeRouter router = context.router(); // one table for the whole exchange, even across a reload
    try {
      current = pipeline.prepare(router, this, ctx, request, exchange);
    } catch (ProxyException e) {
      if (e.serviceType() != null) exchange.service = e.serviceType();
      fail(exchange, e.error(), request.hasBody() || !request.keepAlive());
      return;
    } catch (RuntimeException e) {
      // A bug of ours: the client still gets an answer, and the log the stack (never a header).
      LOG.error("internal error deciding the route of {} {}", exchange.method, exchange.path, e);
      fail(exchange, new ProxyError.Internal(), true);
      return;
    }
    current.start();
  }

  /**
   * Answers {@code error} for a request that got no response yet; closes the connection after it
   * if {@code close} (a request body that may follow is not read).
   */
  void fail(Exchange exchange, ProxyError error, boolean close) {
    boolean closing = close || context.closing();
    byte[] body = ErrorMapper.body(error);
    ByteBuf response = ErrorMapper.response(error, body, ctx.alloc(), context.rules().viaEntry(), closing);
    exchange.status = error.status();
    exchange.bytes = body.length;
    ErrorMapper.count(error, context.metrics());
    if (closing) {
      closeAfterResponse = true;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response, ctx.voidPromise());
    }
    if (current == null) context.log(exchange);
  }

  /** Whether the connection may stay open after the current response, as far as the proxy is concerned. */
  boolean keepAlive() {
    return !context.closing() && !closeAfterResponse;
  }

  /** {@code forwarding} is over (answered, failed or cut): logs it and serves the next request. */
  void finished(Forwarding forwarding) {
    if (current != forwarding) return;
    current = null;
    context.log(forwarding.exchange());
    if (context.closing() && requestDone && queued.isEmpty()) {
      ctx.channel().close();
      return;
    }
    drain();
    updateReads();
  }

  private void drain() {
    if (draining) return;
    draining = true;
    try {
      while (!queued.isEmpty() && !(current != null && requestDone) && ctx.channel().isActive()) {
        handle(queued.poll());
      }
    } finally {
      draining = false;
    }
  }

  /** Reads on while the request in progress can take more and the pipelining queue has room. */
  void updateReads() {
    boolean wanted = queued.size() < MAX_QUEUED && (current == null || current.wantsClientReads());
    var config = ctx.channel().config();
    if (config.isAutoRead() != wanted) config.setAutoRead(wanted);
  }

  /**
   * Makes sure the current request's response timeout is checked within {@code nanos}. A timer
   * already pending stays: when it fires, the request then current says when to check again.
   * So a busy keep-alive connection schedules one timer per timeout, not one per request.
   */
  void watchResponse(long nanos) {
    if (responseTimer == null) responseTimer = ctx.executor().schedule(responseTimerTask, nanos, TimeUnit.NANOSECONDS);
  }

  private void responseTimerFired() {
    responseTimer = null;
    Forwarding forwarding = current;
    long again = forwarding == null ? 0 : forwarding.checkTimeout();
    if (again > 0) watchResponse(again);
  }

  /** Closes the connection now if it is between requests; else it closes after the current response. */
  void closeWhenIdle() {
    if (current == null && queued.isEmpty()) ctx.channel().close();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Forwarding forwarding = current;
    if (forwarding != null) forwarding.clientReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Forwarding forwarding = current;
    if (forwarding != null) forwarding.clientWritabilityChanged();
  }

  /**
   * Nothing read from the client for the idle timeout: a keep-alive connection between requests is
   * closed; one with a request in progress (an answer still coming) is left alone.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      if (current == null && queued.isEmpty()) ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      LOG.debug("client connection {} failed: {}", clientAddress, cause.getMessage());
    } else {
      LOG.warn("client connection {} failed", clientAddress, cause);
    }
    ctx.close();
  }

  private static String addressOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(address);
  }
}
