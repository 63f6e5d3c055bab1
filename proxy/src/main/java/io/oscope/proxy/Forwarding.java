package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.Future;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.Http1Violation;
import io.oscope.http1.RequestDecoder;
import io.oscope.http1.RequestHead;
import io.oscope.http1.ResponseHead;
import io.oscope.http1.ResponseReader;
import io.oscope.pool.Member;
import io.oscope.pool.Outcome;
import io.oscope.pool.PoolLoad;
import io.oscope.pool.RetryBudget;
import io.oscope.routes.HostPort;
import io.oscope.routes.RouteTable;
import io.oscope.tracing.RequestIds;
import io.oscope.tracing.RequestSpans;
import io.oscope.upstream.UpstreamHandler;
import io.oscope.upstream.UpstreamListener;
import java.util.concurrent.CompletableFuture;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's trip: to an upstream chosen from its route's pool, and the answer back to the
 * client, both bodies streamed with back-pressure (a side that cannot keep up stops the other
 * side's reads). Runs on the client connection's event loop, which the upstream connection shares.
 *
 * <p>A failed try goes to the pool again as {@link RetryPolicy} says: only if the upstream cannot
 * have acted on the request, and while the pool's {@link RetryBudget} allows one more retry in
 * flight (a retry after a stale pooled connection excepted: it says nothing of the pool, and
 * {@code --retries} does not count it either). A peer's token validation whose exchanged service token Keystone
 * refused is sent once more with a fresh one. Once response headers went to the client, a failure
 * can only cut the client connection, so that a truncated body never looks complete.
 *
 * <p>A route with fallbacks ({@code A | B}) moves on to the next when its try ends without an
 * answer to relay (the pool failed, timed out or is all down), or with a 5xx, or a 404 to a read of
 * one resource ({@link SingleResource}): that answer is read to its end, never relayed. It moves on
 * only while nothing of the request body went upstream, and after the request head went only for
 * an idempotent method: a {@code POST} a backend may have acted on is never sent again.
 */
final class Forwarding extends Exchange implements UpstreamListener {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
  /** The first size of the buffer of a request head; it grows for larger heads. */
  private static final int HEAD_BUFFER_BYTES = 2048;
  private static final byte[] CONTINUE = HeaderNames.ascii("HTTP/1.1 100 Continue\r\n\r\n");

  /** Where the exchange is; the request body's progress is {@link #requestReceived}. */
  private enum Phase {
    /** Picking an address, waiting for a connection or a fresh service token. */
    CONNECTING,
    /** The request goes upstream; no final response head yet. */
    FORWARDING,
    /** Reading to its end a 401 that refused an exchanged service token, to send again. */
    SKIPPING_REFUSAL,
    /** Reading to its end an answer that sends the request on to the next fallback. */
    SKIPPING_FOR_FALLBACK,
    /** The response's head went to the client: failures now cut the client connection. */
    RESPONDING,
    /** Answered, failed or abandoned: nothing more happens. */
    DONE
  }

  private final ProxyContext context;
  private final ClientConnection client;
  private final ChannelHandlerContext front;
  private final RequestHead request;
  /** The route tried now: the first, then its fallbacks in turn. */
  private Route route;
  /** The routes still to fail over to, in order. */
  private final Iterator<Route> fallbacks;
  private final RequestRecord record;
  private final RouteTable table;
  private final ScopeRouter router;
  /** Whether the route may still go to its project's home cloud: once, before its first try. */
  private boolean homeAllowed = true;
  private final ServiceTokenSwap tokenSwap;

  private Phase phase = Phase.CONNECTING;
  /** The tries of the route's pool: the addresses tried, the try in progress (its member and span). */
  private Tries tries = new Tries();
  /** The requests and retries in flight to the route's pool: this one counts from start to done. */
  private PoolLoad load;
  /** Whether the request head went to an upstream, and whether any of its body did. */
  private boolean headSent;
  private boolean bodySent;
  /** Whether the client got its {@code 100 Continue}: once, whichever upstream it was for. */
  private boolean continued;
  /** Whether the try in progress is a retry holding a slot of the pool's budget. */
  private boolean retrying;
  private UpstreamHandler upstream;
  /** Request body received before the upstream connection was ready, or null. */
  private RequestBody held;
  private boolean requestReceived;
  private ResponseFraming framing;
  private boolean closeClient;
  private final ResponseDeadline deadline;

  /** {@code request} is the client's; {@code router} the one its route was decided with. */
  Forwarding(ProxyContext context, ClientConnection client, ChannelHandlerContext front, RequestHead request, Route route,
      RequestRecord record, ScopeRouter router, TokenValidation validation) {
    this.context = context;
    this.client = client;
    this.front = front;
    this.request = request;
    this.route = route;
    this.fallbacks = route.fallbacks().iterator();
    this.record = record;
    this.router = router;
    this.table = router.table();
    this.tokenSwap = validation == TokenValidation.NONE ? ServiceTokenSwap.NONE
        : new ServiceTokenSwap(validation, context.tokenExchange().tokens());
    this.requestReceived = !request.hasBody();
    this.deadline = new ResponseDeadline(context.ticker(), context.settings().responseTimeout());
    this.load = context.balancer().load(route.upstream());
  }

  RequestRecord record() {
    return record;
  }

  /** Whether the client connection closes after this exchange: nothing after it may be processed. */
  boolean closesClient() {
    return closeClient;
  }

  /** Whether the client connection may read on: not while a request body waits for its upstream. */
  boolean wantsClientReads() {
    return requestReceived || (upstream != null && upstream.channel().isWritable());
  }

  void start() {
    load.begin();
    admit();
  }

  /**
   * Asks the tenant policies about {@link #route} (the first, or a fallback: each cloud is checked
   * before it is tried), then goes on to its first try or answers the refusal.
   */
  private void admit() {
    CompletableFuture<TenantAdmission.Decision> decision =
        TenantAdmission.check(context.tenants(), router, request, route, record, homeAllowed);
    homeAllowed = false;
    if (decision == null) {
      next(null);
    } else if (decision.isDone()) {
      admitted(decision.join());
    } else {
      // Keystone is being asked: the request body waits in held, the client's reads paused.
      decision.thenAccept(d -> front.executor().execute(() -> {
        if (phase != Phase.DONE) admitted(d);
      }));
    }
  }

  /** Goes on once the tenant policies answered: to the first try, to the project's home cloud, or to a refusal. */
  private void admitted(TenantAdmission.Decision decision) {
    if (decision.error() != null) {
      fail(new ProxyException(decision.error()));
    } else if (decision.homeCloud() != null) {
      goHome(decision.homeCloud());
    } else {
      next(null);
    }
  }

  /** The route to the project's home cloud instead, itself checked by the policies before its first try. */
  private void goHome(String home) {
    Route homeRoute;
    try {
      homeRoute = router.routeHome(RequestTarget.of(request.target(), request.value(HeaderNames.HOST)), request, home);
    } catch (ProxyException e) {
      fail(e);
      return;
    }
    moveTo(homeRoute);
    admit();
  }

  /** Serves the request with {@code next} from now on: its cloud in the record, its pool's load counted. */
  private void moveTo(Route next) {
    route = next;
    record.cloud = next.cloud();
    load.end();
    load = context.balancer().load(next.upstream());
    load.begin();
  }

  private void next(Throwable previous) {
    Member picked = tries.pick(context.balancer(), route.upstream());
    if (picked == null) {
      fail(previous != null ? previous
          : new ProxyException(new ProxyError.NoHealthyUpstream(route.describeUpstream(), route.upstream().toString())));
      return;
    }
    if (retrying) context.metrics().retry(true);
    record.upstream = picked.label();
    if (tokenSwap.swaps()) withFreshServiceToken();
    else connect();
  }

  private void withFreshServiceToken() {
    tokenSwap.fetch(front.executor(), () -> {
      if (phase != Phase.DONE) connect();
    }, error -> {
      if (phase != Phase.DONE) fail(error);
    });
  }

  private void connect() {
    phase = Phase.CONNECTING;
    Member member = tries.member();
    RequestSpans.Attempt span = record.spans == null ? null
        : record.spans.attempt(member.label(), member.address().host(), member.address().port(), target());
    Future<UpstreamHandler> connection = tries.connect(context, front.channel().eventLoop(), route.upstream(), span);
    if (connection.isDone()) {
      connected(connection);
    } else {
      client.updateReads();
      connection.addListener(done -> connected(connection));
    }
  }

  private void connected(Future<UpstreamHandler> connection) {
    if (!connection.isSuccess()) {
      if (phase != Phase.DONE) tryFailed(RetryPolicy.Failure.of(connection.cause(), 0, false), connection.cause());
      return;
    }
    UpstreamHandler handler = connection.getNow();
    if (phase == Phase.DONE) {
      handler.release();
      return;
    }
    upstream = handler;
    phase = Phase.FORWARDING;
    handler.serve(this, request.method().equals(HttpMethod.HEAD));
    Channel channel = handler.channel();
    ByteBuf head = channel.alloc().buffer(HEAD_BUFFER_BYTES);
    // Peers get oscope's request ID, to log as their origin; services do not: they log their own.
    // With tracing on, the upstream is in this try's span (HopHeaders.of makes nothing of nulls).
    String peerId = route.toPeer() ? record.peerId(context.ids()) : null;
    RequestSpans.Attempt attempt = tries.span();
    HeaderRules.HopHeaders hop = attempt == null ? HeaderRules.HopHeaders.of(peerId, null, null)
        : HeaderRules.HopHeaders.of(peerId, attempt.traceparent(), attempt.tracestate());
    context.rules().writeUpstreamHead(head, request, target(), route, table, client.peer(), request.chunked(),
        tokenSwap.headers(), hop);
    channel.write(head, channel.voidPromise());
    headSent = true;
    if (!request.hasBody()) {
      requestWritten();
      return;
    }
    if (request.expectsContinue() && !continued) {
      continued = true;
      front.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE), front.voidPromise());
    }
    if (held != null) {
      bodySent = true;
      held.sendTo(channel, request.chunked());
    }
    if (requestReceived) requestWritten();
    else channel.flush();
    client.updateReads();
  }

  /** What the upstream request asks for: an absolute URI for a peer, else the path and query. */
  private String target() {
    return route.toPeer() ? route.absoluteUri() : route.pathAndQuery();
  }

  /** The whole request went upstream: the response timeout starts. */
  private void requestWritten() {
    deadline.start(); // before the flush, which the answer may follow at once
    upstream.channel().flush();
  }

  /** Answers 504, or cuts the client once the response started, if the response timeout struck by {@code now}. */
  void checkTimeout(long now) {
    if (phase == Phase.DONE || !deadline.struck(now)) return;
    tries.failed("UpstreamTimeout", "no data within the response timeout");
    detach(false, Outcome.silent(context.settings().responseTimeout()));
    if (phase == Phase.RESPONDING) {
      cutClient("no data within the response timeout");
    } else {
      fail(new ProxyException(new ProxyError.UpstreamTimeout(
          route.describeUpstream() + " " + record.upstream, "answer", context.settings().responseTimeout())));
    }
  }

  /** A part of the request body from the client: a buffer, or its {@link RequestDecoder.End}. */
  void requestBody(Object part) {
    boolean end = part instanceof RequestDecoder.End;
    if (end) requestReceived = true;
    if (phase == Phase.DONE) {
      if (!end) ((ByteBuf) part).release();
    } else if (upstream == null) {
      if (held == null) held = new RequestBody();
      held.hold(part);
    } else {
      bodySent = true;
      RequestBody.send(upstream.channel(), part, request.chunked());
      if (end) requestWritten();
    }
  }

  /**
   * The rest of the request body cannot be read ({@code error} says why): the upstream must not
   * take what came as a whole request, so its connection goes; the client gets {@code error} if no
   * response started, else its connection is cut.
   */
  void requestFailed(ProxyError error) {
    requestReceived = true;
    if (phase == Phase.DONE) return;
    tries.failed(ErrorMapper.kind(error), "the request body cannot be read");
    detach(false, Outcome.NOTHING_LEARNED);
    if (phase == Phase.RESPONDING) {
      cutClient("the request body cannot be read");
      return;
    }
    done();
    client.fail(record, error, true);
    client.finished(this);
  }

  /** The client's read burst is over: send on what it brought. */
  void clientReadComplete() {
    if (upstream != null && !requestReceived) upstream.channel().flush();
  }

  void clientWritabilityChanged() {
    if (upstream != null && front.channel().isWritable()) upstream.channel().config().setAutoRead(true);
  }

  @Override
  public void writabilityChanged() {
    client.updateReads();
  }

  /** A final response's head from the upstream: its head for the client goes out now. */
  @Override
  public ResponseReader.Delivery head(ResponseHead head) {
    int status = head.status();
    tries.answered(status);
    if (tokenSwap.refusedOnce(status)) {
      phase = Phase.SKIPPING_REFUSAL;
      return ResponseReader.Delivery.DISCARD;
    }
    if ((status >= 500 || status == 404 && SingleResource.isRead(request.method(), route.pathAndQuery()))
        && mayFailOver()) {
      record.status = status; // what the next try's log line says was met, should no answer follow
      phase = Phase.SKIPPING_FOR_FALLBACK;
      return ResponseReader.Delivery.DISCARD;
    }
    phase = Phase.RESPONDING;
    record.status = status;
    record.openStackRequestId = head.requestId(RequestIds::isOpenStackId);
    boolean http11Client = request.http11();
    boolean keepAlive = request.keepAlive() && client.keepAlive();
    framing = ResponseFraming.of(head.framing(), http11Client);
    closeClient = framing.closeAfter(keepAlive);
    byte[] via = context.rules().viaEntryBytes();
    ByteBuf out = front.alloc().buffer(head.estimatedLength(via.length));
    head.writeTo(out, via, framing.chunkedHead(), framing.connection(http11Client, keepAlive));
    front.write(out, front.voidPromise());
    return framing.delivery();
  }

  /** A part of the response body from the upstream. */
  @Override
  public void body(ByteBuf part, int payloadBytes) {
    if (phase != Phase.RESPONDING) {
      part.release();
      return;
    }
    record.bytes += payloadBytes;
    framing.writeBody(front, part);
    if (!front.channel().isWritable()) upstream.channel().config().setAutoRead(false);
  }

  /** The response is complete. */
  @Override
  public void end(boolean reusable) {
    if (phase == Phase.SKIPPING_REFUSAL) {
      Member same = tries.member();
      detach(reusable && requestReceived, Outcome.ANSWERED);
      tries.resume(same);
      withFreshServiceToken();
      return;
    }
    if (phase == Phase.SKIPPING_FOR_FALLBACK) {
      detach(reusable && requestReceived, Outcome.ANSWERED);
      failOver("answered " + record.status);
      return;
    }
    if (phase != Phase.RESPONDING) return;
    boolean reuse = reusable && requestReceived;
    detach(reuse, Outcome.ANSWERED);
    if (!requestReceived) closeClient = true; // the rest of the request body is of no use now
    framing.writeEnd(front, closeClient);
    done();
    client.finished(this);
  }

  /** The upstream's answer is not a valid HTTP response. */
  @Override
  public void failed(Http1Violation problem) {
    closed(problem);
  }

  @Override
  public void readComplete() {
    // Between reads of the body the timeout starts again; before the final head it does not move.
    if (phase == Phase.RESPONDING) {
      deadline.restart();
      front.flush();
    }
  }

  /** The upstream connection failed or closed ({@code cause} null) before the exchange completed. */
  @Override
  public void closed(Throwable cause) {
    if (phase == Phase.DONE || upstream == null) return;
    Throwable failure = cause != null ? cause : new ErrorMapper.ClosedBeforeResponse();
    RetryPolicy.Failure kind = RetryPolicy.Failure.of(failure, upstream.received(), upstream.reused());
    if (phase == Phase.RESPONDING) {
      tries.failed(failure);
      detach(false, outcome(kind, failure));
      LOG.warn("upstream {} {} failed mid-response after {} bytes ({}); closing the client connection",
          route.describeUpstream(), record.upstream, record.bytes, ErrorMapper.describe(failure));
      cutClient(ErrorMapper.describe(failure));
    } else {
      tryFailed(kind, failure);
    }
  }

  /** The try failed before any response went to the client: the pool again, or the failure answered. */
  private void tryFailed(RetryPolicy.Failure kind, Throwable failure) {
    HostPort address = tries.member().address();
    tries.failed(failure);
    detach(false, outcome(kind, failure));
    var pools = context.balancer().settings();
    switch (tries.again(kind, address, request.method(), request.hasBody(), pools.retries())) {
      case GIVE_UP -> fail(failure);
      case RETRY_ANY -> next(failure); // a stale pooled connection: nothing to hold against the pool
      case RETRY -> {
        if (tries.tried().size() >= route.upstream().size()) {
          fail(failure); // no address left to retry on: nothing for the budget to refuse
          return;
        }
        if (!load.tryRetry(pools.retryBudget())) {
          context.metrics().retry(false);
          LOG.debug("not retrying {} after {}: {} retries in flight of {} requests spend its retry budget",
              route.describeUpstream(), ErrorMapper.describe(failure), load.retries(), load.requests());
          fail(failure);
          return;
        }
        retrying = true;
        LOG.debug("retrying {} after {}", route.describeUpstream(), ErrorMapper.describe(failure));
        next(failure);
      }
    }
  }

  /** The retry in progress, if any, is over: its slot of the budget is free. */
  private void retryEnded() {
    if (retrying) {
      retrying = false;
      load.retryEnded();
    }
  }

  /**
   * What the balancer is told of a failed try: an address failure only if the address is to blame,
   * as the retry policy and the pool's classifier (which knows this host's shortages) both say.
   */
  private static Outcome outcome(RetryPolicy.Failure kind, Throwable failure) {
    return kind.blame(failure) != null ? Outcome.of(failure) : Outcome.NOTHING_LEARNED;
  }

  /**
   * Ends the try in progress ({@link Tries#end}): the upstream connection goes back to the pool if
   * {@code reuse}, else is closed; the response timeout stops; the balancer hears what the try told
   * about the address ({@link Outcome#ANSWERED} whatever the status).
   */
  private void detach(boolean reuse, Outcome outcome) {
    UpstreamHandler handler = upstream;
    upstream = null;
    deadline.stop();
    retryEnded();
    tries.end(context.balancer(), handler, reuse, outcome);
  }

  private void fail(Throwable failure) {
    if (phase != Phase.DONE && upstreamFailed(failure) && mayFailOver()) {
      failOver(ErrorMapper.describe(failure));
      return;
    }
    ProxyError error = ErrorMapper.ofUpstream(failure, route.describeUpstream() + " " + record.upstream,
        context.settings().connectTimeout());
    done();
    client.fail(record, error, !requestReceived || !(request.keepAlive() && client.keepAlive()));
    client.finished(this);
  }

  /**
   * Whether a failed try may move on to the next fallback: there is one, nothing of the body went
   * upstream, and the method is idempotent if the head did. A token validation between peers is
   * signed or swapped for its first route only: it stays there.
   */
  private boolean mayFailOver() {
    return fallbacks.hasNext() && !bodySent && (!headSent || RetryPolicy.isIdempotent(request.method()))
        && tokenSwap == ServiceTokenSwap.NONE;
  }

  /** Whether {@code failure} is the upstream's (not, e.g., a tenant policy's refusal): then a fallback may do better. */
  private static boolean upstreamFailed(Throwable failure) {
    return !(failure instanceof ProxyException e) || e.error() instanceof ProxyError.NoHealthyUpstream
        || e.error() instanceof ProxyError.UpstreamTimeout;
  }

  /** The try of {@link #route} is over, {@code why} unanswered: the next fallback, its pool afresh. */
  private void failOver(String why) {
    Route from = route;
    Route to = fallbacks.next();
    LOG.debug("{} {}: trying {} instead", from.describeUpstream(), why, to.cloud());
    context.metrics().failover(to.serviceType(), from.cloud(), to.cloud());
    record.failedOver(from.cloud());
    if (record.spans != null) record.spans.failedOver(to.cloud());
    retryEnded(); // a retry that found no address left holds a slot of the old pool's budget
    moveTo(to);
    tries = new Tries();
    admit();
  }

  private void cutClient(String why) {
    LOG.debug("cutting the client connection: {}", why);
    if (record.spans != null) record.failure = "ResponseCut";
    done();
    front.close();
    client.finished(this);
  }

  /** The client went away: drop the upstream side of the exchange. */
  void clientClosed() {
    if (phase == Phase.DONE) return;
    if (record.spans != null) {
      record.failure = "ClientClosed";
      tries.failed("ClientClosed", "the client closed its connection");
    }
    detach(false, Outcome.NOTHING_LEARNED);
    done();
  }

  /** Nothing more happens: what the client sent for the upstream and no one will take goes. */
  private void done() {
    if (phase != Phase.DONE) {
      retryEnded();
      load.end();
    }
    phase = Phase.DONE;
    if (held != null) held.drop();
  }
}
