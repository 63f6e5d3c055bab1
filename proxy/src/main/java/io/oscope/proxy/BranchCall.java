package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.Future;
import io.oscope.http1.Http1Violation;
import io.oscope.http1.RequestHead;
import io.oscope.http1.ResponseHead;
import io.oscope.http1.ResponseReader;
import io.oscope.pool.Member;
import io.oscope.pool.Outcome;
import io.oscope.routes.RouteTable;
import io.oscope.tracing.RequestSpans;
import io.oscope.upstream.UpstreamHandler;
import io.oscope.upstream.UpstreamListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One cloud's part of a {@link FanOutExchange}: the client's request sent to that cloud's route
 * (a local backend or a peer proxy) through the data path's own pools ({@code UpstreamChannels},
 * the {@code Balancer}) on the client connection's event loop, its head written by {@link
 * HeaderRules} as any forwarded request's, and the answer read whole, up to a size bound, for the
 * exchange to merge or relay. A route's pool is tried as a forwarded request's ({@link Tries}),
 * one address per route: a connection failure, a 5xx or no answer within the fan-out's deadline
 * moves on to the route's fallbacks ({@code |} inside an operand), then fails the call.
 */
final class BranchCall implements UpstreamListener {
  private static final int HEAD_BUFFER_BYTES = 2048;

  /** How the call ended. */
  enum State { RUNNING, ANSWERED, FAILED, TIMED_OUT, REFUSED, CANCELLED }

  private final ProxyContext context;
  private final FanOutExchange exchange;
  private final ChannelHandlerContext front;
  private final RequestHead request;
  private final ScopeRouter router;
  private final RouteTable table;
  private final String peer;
  /** The cloud of the operand: the one named in messages, whichever of its fallbacks answered. */
  final String cloud;
  private final String query;
  private final ArrayDeque<Route> routes;
  private final Duration timeout;
  private final long maxBody;

  private State state = State.RUNNING;
  private Route route;
  /** The tries of the route's pool, as a plain request's ({@link Tries}): the try in progress. */
  private Tries tries = new Tries();
  private UpstreamHandler upstream;
  private long startedAt;
  /** Counts tries: a connection that completes for an abandoned try is not this try's. */
  private int attempt;
  private int status;
  private ByteBuf head;
  private boolean lengthInHead;
  private ByteBuf body;
  private String failure;
  /** The tenant policies' refusal of a cloud of the operand, the request's answer. */
  private ProxyError refusal;
  /** The cloud that answered: the operand's, or that of the fallback that did. */
  private String answeredBy;

  /**
   * @param routes the operand's route, then its fallbacks
   * @param query the query to send instead of the client's, or null to send the client's
   */
  BranchCall(ProxyContext context, FanOutExchange exchange, ChannelHandlerContext front, RequestHead request,
      ScopeRouter router, String peer, String cloud, List<Route> routes, String query) {
    this.context = context;
    this.exchange = exchange;
    this.front = front;
    this.request = request;
    this.router = router;
    this.table = router.table();
    this.peer = peer;
    this.cloud = cloud;
    this.routes = new ArrayDeque<>(routes);
    this.query = query;
    this.timeout = context.settings().fanOut().timeout();
    this.maxBody = context.settings().fanOut().maxBody();
  }

  State state() {
    return state;
  }

  int status() {
    return status;
  }

  /** Why the call failed, in a few words. */
  String failure() {
    return failure;
  }

  /** The cloud that answered: the operand's own, or one of its fallbacks'. */
  String answeredBy() {
    return answeredBy;
  }

  /** How the call ended, for {@code oscope_fanout_branches_total}. */
  String outcome() {
    return switch (state) {
      case ANSWERED -> status / 100 == 2 ? "ok" : status == 404 ? "not_found" : "client_error";
      case TIMED_OUT -> "timeout";
      case REFUSED -> "client_error";
      default -> "failed";
    };
  }

  /** How the call ended, for the access log: the status, or what happened instead. */
  String end() {
    return switch (state) {
      case ANSWERED -> String.valueOf(status);
      case FAILED -> "failed";
      case TIMED_OUT -> "timeout";
      case REFUSED -> "refused";
      case RUNNING, CANCELLED -> "dropped";
    };
  }

  /** The answer's payload: the caller's to release (through {@link #release()}). */
  ByteBuf body() {
    return body;
  }

  /**
   * The answer's head for the client, without its ending empty line: what the service sent but
   * hop-by-hop lines, with this proxy's {@code Via}; {@link #lengthInHead()} says whether it
   * already has its {@code Content-Length}.
   */
  ByteBuf head() {
    return head;
  }

  boolean lengthInHead() {
    return lengthInHead;
  }

  /** The tenant policies' refusal, when the call ended {@link State#REFUSED}. */
  ProxyError refusal() {
    return refusal;
  }

  /** Tries the operand's next route, once the tenant policies admit its cloud, as a failover does. */
  void start() {
    route = routes.poll();
    CompletableFuture<TenantAdmission.Decision> decision =
        TenantAdmission.check(context.tenants(), router, request, route, exchange.record(), false);
    if (decision == null) {
      next(null);
    } else if (decision.isDone()) {
      admitted(decision.join());
    } else {
      int mine = attempt;
      decision.thenAccept(d -> front.executor().execute(() -> {
        if (state == State.RUNNING && mine == attempt) admitted(d);
      }));
    }
  }

  private void admitted(TenantAdmission.Decision decision) {
    if (decision.error() == null) {
      next(null);
      return;
    }
    refusal = decision.error();
    finish(State.REFUSED);
  }

  private void next(String previous) {
    Member picked = tries.pick(context.balancer(), route.upstream());
    if (picked == null) {
      tryFailed(previous != null ? previous : "every address of " + route.describeUpstream() + " is down");
      return;
    }
    startedAt = context.ticker().nanoTime();
    int mine = ++attempt;
    RequestSpans spans = exchange.record().spans;
    // The span has the path only: the branch's own query (its page) is left out as the client's is.
    RequestSpans.Attempt span = spans == null ? null : spans.branchAttempt(picked.label(), picked.address().host(),
        picked.address().port(), route.toPeer() ? route.absoluteUri() : route.pathAndQuery(), route.cloud(), mine - 1);
    Future<UpstreamHandler> connection = tries.connect(context, front.channel().eventLoop(), route.upstream(), span);
    if (connection.isDone()) connected(connection, mine);
    else connection.addListener(done -> connected(connection, mine));
  }

  private void connected(Future<UpstreamHandler> connection, int mine) {
    boolean current = state == State.RUNNING && mine == attempt;
    if (!connection.isSuccess()) {
      if (!current) return;
      Throwable cause = connection.cause();
      tries.failed(cause);
      detach(false, Outcome.of(cause));
      tryFailed(describe(cause));
      return;
    }
    UpstreamHandler handler = connection.getNow();
    if (!current) {
      handler.release();
      return;
    }
    upstream = handler;
    handler.serve(this, request.method().equals(HttpMethod.HEAD));
    Channel channel = handler.channel();
    String target = withQuery(route.toPeer() ? route.absoluteUri() : route.pathAndQuery());
    ByteBuf out = channel.alloc().buffer(HEAD_BUFFER_BYTES);
    // Peers get oscope's request ID; with tracing on, the upstream is in this try's span.
    String peerId = route.toPeer() ? exchange.record().peerId(context.ids()) : null;
    RequestSpans.Attempt span = tries.span();
    HeaderRules.HopHeaders hop = span == null ? HeaderRules.HopHeaders.of(peerId, null, null)
        : HeaderRules.HopHeaders.of(peerId, span.traceparent(), span.tracestate());
    context.rules().writeUpstreamHead(out, request, target, route, table, peer, false, null, hop);
    channel.writeAndFlush(out, channel.voidPromise());
  }

  private String withQuery(String target) {
    if (query == null) return target;
    int mark = target.indexOf('?');
    String path = mark < 0 ? target : target.substring(0, mark);
    return query.isEmpty() ? path : path + "?" + query;
  }

  @Override
  public ResponseReader.Delivery head(ResponseHead response) {
    status = response.status();
    tries.answered(status);
    if (status >= 500) return ResponseReader.Delivery.DISCARD; // a failure: the fallback, if any, answers
    head = Unpooled.buffer(response.estimatedLength(context.rules().viaEntryBytes().length));
    response.writeTo(head, context.rules().viaEntryBytes(), false, ResponseHead.ConnectionLine.NONE);
    // Without the end of its last line and the empty line: the exchange adds lines, then ends it.
    head.writerIndex(head.writerIndex() - 4);
    lengthInHead = response.contentLength() >= 0;
    body = Unpooled.buffer(0);
    return ResponseReader.Delivery.PAYLOAD;
  }

  @Override
  public void body(ByteBuf part, int payloadBytes) {
    try {
      if (state != State.RUNNING || body == null) return;
      if (body.readableBytes() + part.readableBytes() > maxBody) {
        tries.failed("FanOutMaxBody", "the answer is larger than --fan-out-max-body");
        detach(false, Outcome.NOTHING_LEARNED);
        dropAnswer();
        tryFailed("answered more than " + maxBody + " bytes (--fan-out-max-body)");
        return;
      }
      body.writeBytes(part);
    } finally {
      part.release();
    }
  }

  @Override
  public void end(boolean reusable) {
    if (state != State.RUNNING) return;
    detach(reusable, Outcome.ANSWERED);
    if (status >= 500) {
      tryFailed("answered " + status);
      return;
    }
    answeredBy = route.cloud();
    finish(State.ANSWERED);
  }

  @Override
  public void failed(Http1Violation problem) {
    closed(problem);
  }

  @Override
  public void closed(Throwable cause) {
    if (state != State.RUNNING || upstream == null) return;
    Throwable failure = cause != null ? cause : new ErrorMapper.ClosedBeforeResponse();
    tries.failed(failure);
    detach(false, Outcome.of(failure));
    dropAnswer();
    tryFailed(describe(failure));
  }

  @Override
  public void readComplete() {
    // Nothing is relayed while the answer is read: the merge waits for it whole.
  }

  @Override
  public void writabilityChanged() {
    // Only a request head goes upstream: nothing waits on writability.
  }

  /** Fails the try if it has not answered within the fan-out's deadline by {@code now}. */
  void checkTimeout(long now) {
    if (state != State.RUNNING || tries.member() == null || now - startedAt < timeout.toNanos()) return;
    tries.failed("UpstreamTimeout", "no answer within --fan-out-timeout");
    detach(false, Outcome.silent(timeout));
    dropAnswer();
    String why = "did not answer within " + timeout.toMillis() + " ms (--fan-out-timeout)";
    if (routes.isEmpty()) {
      failure = why;
      finish(State.TIMED_OUT);
    } else {
      tryFailed(why);
    }
  }

  /** The exchange no longer needs this call: its connection goes, its answer is dropped. */
  void cancel() {
    if (state == State.RUNNING) {
      tries.failed("FanOutDropped", "the fan-out was answered without this cloud");
      detach(false, Outcome.NOTHING_LEARNED);
      state = State.CANCELLED;
    }
    release();
  }

  /** Drops the answer read. */
  void release() {
    dropAnswer();
  }

  /** The try failed for {@code why}: the operand's next fallback, or the call fails. */
  private void tryFailed(String why) {
    dropAnswer();
    status = 0;
    if (!routes.isEmpty()) {
      tries = new Tries(); // the next route's pool, afresh
      start();
      return;
    }
    failure = why;
    finish(State.FAILED);
  }

  private void finish(State end) {
    state = end;
    exchange.branchDone(this);
  }

  private void dropAnswer() {
    if (head != null) head.release();
    if (body != null) body.release();
    head = null;
    body = null;
  }

  private void detach(boolean reuse, Outcome outcome) {
    UpstreamHandler handler = upstream;
    upstream = null;
    tries.end(context.balancer(), handler, reuse, outcome);
  }

  private String describe(Throwable failure) {
    return ErrorMapper.ofUpstream(failure, route.describeUpstream(), context.settings().connectTimeout()).message();
  }
}
