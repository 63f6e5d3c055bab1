package io.oscope.proxy;

import io.oscope.http1.HeaderNames;
import io.oscope.http1.Http1Violation;
import io.oscope.http1.RequestDecoder;
import io.oscope.http1.RequestHead;
import io.oscope.http1.ResponseHead;
import io.oscope.http1.ResponseReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.Future;
import io.oscope.pool.Member;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's trip: to an upstream chosen from its route's pool, and the answer back to the
 * client, both bodies streamed with back-pressure (a side that cannot keep up stops the other
 * side's reads). Runs on the client connection's event loop, which the upstream connection shares.
 *
 * <p>Tries another address of the pool after a connect failure (nothing was sent: safe for any
 * method), or after a connection closed or reset before any response byte for an idempotent
 * request without a body (a stale pooled connection, a backend going away), at most
 * {@code retries} times. A peer's token validation whose exchanged service token Keystone refused
 * is sent once more with a fresh one. Once response headers went to the client, a failure can
 * only cut the client connection, so that a truncated body never looks complete.
 */
final class Forwarding implements ResponseReader.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
  /** The first size of the buffer of a request head; it grows for larger heads. */
  private static final int HEAD_BUFFER_BYTES = 2048;
  private static final byte[] CRLF = HeaderNames.ascii("\r\n");
  private static final byte[] LAST_CHUNK = HeaderNames.ascii("0\r\n\r\n");
  private static final byte[] CONTINUE = HeaderNames.ascii("HTTP/1.1 100 Continue\r\n\r\n");
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD,
      HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final ProxyContext context;
  private final ClientConnection client;
  private final ChannelHandlerContext front;
  private final RequestHead request;
  private final Route route;
  private final Exchange exchange;
  private final RouteTable table;
  private final String peerSignature;
  private final boolean swapServiceToken;

  /** Addresses tried: an immutable one-element set for the first try, a HashSet once retried. */
  private Set<HostPort> tried = Set.of();
  private boolean staleRetried;
  private Member member;
  private String problem;
  private boolean memberEnded = true;
  private String serviceToken;
  private UpstreamHandler upstream;
  /** Request body received before the upstream connection was ready: buffers, then its {@link RequestDecoder.End}. */
  private ArrayDeque<Object> pending;
  private boolean requestReceived;
  private boolean requestSent;
  /** Whether the proxy chunks a body the upstream delimits by closing the connection. */
  private boolean chunking;
  private boolean skippingRefusal;
  private boolean closeClient;
  private boolean finished;
  private long lastReadNanos;
  /** Whether the response timeout runs: from the request's end until the response's. */
  private boolean awaitingResponse;

  /**
   * What the token exchange decided for a request: both false and null for all but token
   * validation calls between peers.
   *
   * @param swapServiceToken whether this is a peer's validation call whose service token is swapped
   * @param peerSignature the signature of a validation call sent to a peer, or null
   */
  record TokenValidation(boolean swapServiceToken, String peerSignature) {
    static final TokenValidation NONE = new TokenValidation(false, null);
  }

  /** {@code request} is the client's; {@code table} the one its route was decided with. */
  Forwarding(ProxyContext context, ClientConnection client, ChannelHandlerContext front, RequestHead request, Route route,
      Exchange exchange, RouteTable table, TokenValidation validation) {
    this.context = context;
    this.client = client;
    this.front = front;
    this.request = request;
    this.route = route;
    this.exchange = exchange;
    this.table = table;
    this.peerSignature = validation.peerSignature();
    this.swapServiceToken = validation.swapServiceToken();
    this.requestReceived = !request.hasBody();
  }

  Exchange exchange() {
    return exchange;
  }

  /** Whether the client connection closes after this exchange: nothing after it may be processed. */
  boolean closesClient() {
    return closeClient;
  }

  /** Whether the client connection may read on: not while a request body waits for its upstream. */
  boolean wantsClientReads() {
    return !request.hasBody() || requestReceived || (upstream != null && upstream.channel().isWritable());
  }

  void start() {
    next(null);
  }

  private void next(Throwable previous) {
    Member picked = context.balancer().pick(route.upstream(), tried);
    if (picked == null) {
      fail(previous != null ? previous
          : new ProxyException(new ProxyError.NoHealthyUpstream(route.describeUpstream(), route.upstream().toString())));
      return;
    }
    if (tried.isEmpty()) tried = Set.of(picked.address());
    else retried().add(picked.address());
    member = picked;
    exchange.upstream = picked.label();
    if (swapServiceToken) withFreshServiceToken();
    else connect();
  }

  private void withFreshServiceToken() {
    context.tokenExchange().tokens().currentToken().whenComplete((token, error) -> front.executor().execute(() -> {
      if (finished) return;
      if (error != null) {
        fail(error);
      } else {
        serviceToken = token;
        connect();
      }
    }));
  }

  private void connect() {
    context.balancer().begin(member);
    memberEnded = false;
    problem = null;
    Future<UpstreamHandler> connection =
        context.upstreams().acquire(front.channel().eventLoop(), member.address(), route.upstream().tls());
    if (connection.isDone()) {
      connected(connection);
    } else {
      client.updateReads();
      connection.addListener(done -> connected(connection));
    }
  }

  private void connected(Future<UpstreamHandler> connection) {
    if (!connection.isSuccess()) {
      attemptFailed(connection.cause());
      return;
    }
    UpstreamHandler handler = connection.getNow();
    if (finished) {
      handler.release();
      return;
    }
    upstream = handler;
    handler.serve(this, request.method().equals(HttpMethod.HEAD));
    Channel channel = handler.channel();
    String target = route.toPeer() ? route.absoluteUri() : route.pathAndQuery();
    ByteBuf head = channel.alloc().buffer(HEAD_BUFFER_BYTES);
    context.rules().writeUpstreamHead(head, request, target, route, table, exchange.client, request.chunked(),
        serviceToken == null && peerSignature == null ? null : new HeaderRules.ExchangeHeaders(serviceToken, peerSignature));
    channel.write(head, channel.voidPromise());
    if (!request.hasBody()) {
      requestWritten();
      return;
    }
    if (request.expectsContinue()) {
      front.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), front.voidPromise());
    }
    if (pending != null) {
      for (Object part = pending.poll(); part != null; part = pending.poll()) send(channel, part);
    }
    if (requestReceived) requestWritten();
    else channel.flush();
    client.updateReads();
  }

  private void requestWritten() {
    requestSent = true;
    upstream.channel().flush();
    lastReadNanos = context.ticker().nanoTime();
    awaitingResponse = true;
    client.watchResponse(context.settings().responseTimeout().toNanos());
  }

  /**
   * Called by the client connection's timer: answers 504 (or cuts the client) if the upstream was
   * silent for the response timeout. Returns in how many nanoseconds to check again, or 0.
   */
  long checkTimeout() {
    if (finished || !awaitingResponse) return 0;
    long limit = context.settings().responseTimeout().toNanos();
    long quiet = context.ticker().nanoTime() - lastReadNanos;
    if (quiet < limit) return limit - quiet;
    problem = "no answer within " + context.settings().responseTimeout().toMillis() + " ms";
    UpstreamHandler handler = upstream;
    upstream = null;
    if (handler != null) handler.discard();
    endAttempt();
    if (exchange.responseStarted) cutClient("no data within the response timeout");
    else fail(new ProxyException(new ProxyError.UpstreamTimeout(
        route.describeUpstream() + " " + member.address(), "answer", context.settings().responseTimeout())));
    return 0;
  }

  /** A part of the request body from the client. */
  void requestBody(ByteBuf part) {
    if (finished) {
      part.release();
    } else if (upstream == null) {
      pending().add(part);
    } else {
      send(upstream.channel(), part);
    }
  }

  /** The end of the request body from the client. */
  void requestEnd(RequestDecoder.End end) {
    requestReceived = true;
    if (finished) return;
    if (upstream == null) {
      pending().add(end);
      return;
    }
    send(upstream.channel(), end);
    requestWritten();
  }

  /**
   * The rest of the request body cannot be read ({@code error} says why): the upstream must not
   * take what came as a whole request, so its connection goes; the client gets {@code error} if no
   * response started, else its connection is cut.
   */
  void requestFailed(ProxyError error) {
    requestReceived = true;
    if (finished) return;
    UpstreamHandler handler = upstream;
    upstream = null;
    if (handler != null) handler.discard();
    endAttempt();
    if (exchange.responseStarted) {
      cutClient("the request body cannot be read");
      return;
    }
    releasePending();
    finished = true;
    client.fail(exchange, error, true);
    client.finished(this);
  }

  private ArrayDeque<Object> pending() {
    if (pending == null) pending = new ArrayDeque<>();
    return pending;
  }

  /** Writes a part of the request body upstream, in a chunk if it goes chunked; or its end. */
  private void send(Channel channel, Object part) {
    if (part instanceof ByteBuf data) {
      if (request.chunked()) writeChunk(channel, channel.alloc(), data);
      else channel.write(data, channel.voidPromise());
    } else if (request.chunked()) {
      byte[] trailers = ((RequestDecoder.End) part).trailers();
      ByteBuf end = channel.alloc().buffer(5 + trailers.length);
      end.writeByte('0').writeBytes(CRLF).writeBytes(trailers).writeBytes(CRLF);
      channel.write(end, channel.voidPromise());
    }
  }

  /** Writes {@code data} as one chunk of a chunked body: its size line, itself, CR LF. */
  private static void writeChunk(ChannelOutboundInvoker out, ByteBufAllocator allocator, ByteBuf data) {
    ByteBuf size = allocator.buffer(20);
    size.writeCharSequence(Integer.toHexString(data.readableBytes()), StandardCharsets.US_ASCII);
    out.write(size.writeBytes(CRLF), out.voidPromise());
    out.write(data, out.voidPromise());
    out.write(Unpooled.wrappedBuffer(CRLF), out.voidPromise());
  }

  /** The client's read burst is over: send on what it brought. */
  void clientReadComplete() {
    if (upstream != null && !requestSent) upstream.channel().flush();
  }

  void clientWritabilityChanged() {
    if (upstream != null && front.channel().isWritable()) upstream.channel().config().setAutoRead(true);
  }

  void upstreamWritabilityChanged() {
    client.updateReads();
  }

  /** A final response's head from the upstream: its head for the client goes out now. */
  @Override
  public ResponseReader.Delivery head(ResponseHead head) {
    int status = head.status();
    if (status >= 500) problem = "answered " + status;
    if (status == 401 && serviceToken != null && !exchange.serviceTokenRenewed) {
      exchange.serviceTokenRenewed = true;
      context.tokenExchange().tokens().refused(serviceToken);
      skippingRefusal = true;
      return ResponseReader.Delivery.DISCARD;
    }
    exchange.responseStarted = true;
    exchange.status = status;
    boolean http11Client = request.http11();
    boolean chunkedToClient = false;
    ResponseReader.Delivery delivery = ResponseReader.Delivery.FRAMED;
    switch (head.framing()) {
      case CHUNKED -> {
        if (http11Client) {
          chunkedToClient = true;
        } else {
          closeClient = true; // an HTTP/1.0 client reads the payload to the end of the connection
          delivery = ResponseReader.Delivery.PAYLOAD;
        }
      }
      case UNTIL_CLOSE -> {
        if (http11Client) {
          // Explicit chunking: a body cut short then lacks its last chunk, and the client knows.
          chunkedToClient = true;
          chunking = true;
          delivery = ResponseReader.Delivery.PAYLOAD;
        } else {
          closeClient = true;
        }
      }
      case NONE, LENGTH -> { }
    }
    ResponseHead.ConnectionLine connection = ResponseHead.ConnectionLine.NONE;
    if (!keepAlive() || closeClient) {
      closeClient = true;
      connection = ResponseHead.ConnectionLine.CLOSE;
    } else if (!http11Client) {
      connection = ResponseHead.ConnectionLine.KEEP_ALIVE;
    }
    byte[] via = context.rules().viaEntryBytes();
    ByteBuf out = front.alloc().buffer(head.estimatedLength(via.length));
    head.writeTo(out, via, chunkedToClient, connection);
    front.write(out, front.voidPromise());
    return delivery;
  }

  private boolean keepAlive() {
    return request.keepAlive() && client.keepAlive();
  }

  /** A part of the response body from the upstream. */
  @Override
  public void body(ByteBuf part, int payloadBytes) {
    if (finished || upstream == null) {
      part.release();
      return;
    }
    exchange.bytes += payloadBytes;
    if (chunking) {
      writeChunk(front, front.alloc(), part);
    } else {
      front.write(part, front.voidPromise());
    }
    if (!front.channel().isWritable()) upstream.channel().config().setAutoRead(false);
  }

  /** The response is complete. */
  @Override
  public void end(boolean reusable) {
    if (finished || upstream == null) return;
    if (skippingRefusal) {
      skippingRefusal = false;
      retryWithFreshToken(reusable);
      return;
    }
    UpstreamHandler handler = upstream;
    upstream = null;
    endAttempt();
    if (reusable && requestSent) {
      handler.release();
    } else {
      handler.discard();
      if (!requestReceived) closeClient = true; // the rest of the request body is of no use now
    }
    ByteBuf last = chunking ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER;
    if (closeClient) {
      front.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    } else {
      front.writeAndFlush(last, front.voidPromise());
    }
    finish();
  }

  /** The upstream's answer is not a valid HTTP response. */
  @Override
  public void failed(Http1Violation problem) {
    upstreamFailed(problem);
  }

  void upstreamReadComplete() {
    lastReadNanos = context.ticker().nanoTime();
    if (exchange.responseStarted) front.flush();
  }

  private void retryWithFreshToken(boolean reusable) {
    UpstreamHandler handler = upstream;
    upstream = null;
    endAttempt();
    if (reusable) handler.release();
    else handler.discard();
    requestSent = false;
    withFreshServiceToken();
  }

  /** The upstream connection failed or closed ({@code cause} null) before the exchange completed. */
  void upstreamFailed(Throwable cause) {
    if (finished) return;
    UpstreamHandler handler = upstream;
    upstream = null;
    if (handler != null) handler.discard();
    Throwable failure = cause != null ? cause : new ErrorMapper.ClosedBeforeResponse();
    endAttempt();
    if (exchange.responseStarted) {
      LOG.warn("upstream {} {} failed mid-response after {} bytes ({}); closing the client connection",
          route.describeUpstream(), exchange.upstream, exchange.bytes, ErrorMapper.describe(failure));
      cutClient(ErrorMapper.describe(failure));
    } else {
      attemptFailed(failure);
    }
  }

  private void attemptFailed(Throwable failure) {
    Throwable cause = ErrorMapper.telling(failure);
    if (cause instanceof ConnectException) problem = ErrorMapper.describe(cause);
    endAttempt();
    if (!retryable(cause) || tried.size() > context.balancer().settings().retries()) {
      fail(failure);
      return;
    }
    if (!(cause instanceof ConnectException) && !staleRetried) {
      // A stale pooled connection says nothing about the address: it may be tried again, once.
      staleRetried = true;
      retried().remove(member.address());
    }
    LOG.debug("retrying {} after {}", route.describeUpstream(), ErrorMapper.describe(failure));
    requestSent = false;
    next(failure);
  }

  /** {@link #tried}, made mutable: retries are rare, the first try need not allocate a HashSet. */
  private Set<HostPort> retried() {
    if (!(tried instanceof HashSet)) tried = new HashSet<>(tried);
    return tried;
  }

  private boolean retryable(Throwable cause) {
    if (cause instanceof ConnectException) return true;
    // Closed or reset before any response byte: safe to send again only if sending twice is.
    // A TLS failure is not a stale connection: the next try would fail alike.
    return cause instanceof IOException && !(cause instanceof SSLException) && !request.hasBody() && IDEMPOTENT.contains(request.method());
  }

  /** Ends the current try for the balancer, once. */
  private void endAttempt() {
    awaitingResponse = false;
    if (member != null && !memberEnded) {
      memberEnded = true;
      context.balancer().end(member, problem);
    }
  }

  private void fail(Throwable failure) {
    ProxyError error = ErrorMapper.ofUpstream(failure, route.describeUpstream() + " " + exchange.upstream,
        context.settings().connectTimeout());
    releasePending();
    finished = true;
    client.fail(exchange, error, !requestReceived || !keepAlive());
    client.finished(this);
  }

  private void cutClient(String why) {
    LOG.debug("cutting the client connection: {}", why);
    releasePending();
    finished = true;
    front.close();
    client.finished(this);
  }

  /** The client went away: drop the upstream side of the exchange. */
  void clientClosed() {
    if (finished) return;
    finished = true;
    UpstreamHandler handler = upstream;
    upstream = null;
    if (handler != null) handler.discard();
    endAttempt();
    releasePending();
  }

  private void finish() {
    finished = true;
    client.finished(this);
  }

  private void releasePending() {
    if (pending == null) return;
    for (Object part = pending.poll(); part != null; part = pending.poll()) {
      if (part instanceof ByteBuf data) data.release();
    }
  }
}
