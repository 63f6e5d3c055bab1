package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.oscope.fanout.BadListRequest;
import io.oscope.fanout.FanOutSettings;
import io.oscope.fanout.ListCall;
import io.oscope.fanout.ListCalls;
import io.oscope.fanout.MarkerKey;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestDecoder;
import io.oscope.http1.RequestHead;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request whose scope sends its service to several clouds with {@code &}: one {@link BranchCall}
 * per cloud, all at once, each with its deadline; one answer for the client.
 *
 * <ul>
 *   <li>A list call ({@link ListCalls}, {@link FanOutList}): each cloud is asked one page after
 *       its position in the composite marker; the pages are merged into one page whose next link
 *       carries the new composite marker.
 *   <li>Anything else ({@code GET}/{@code HEAD} of one resource): the first 2xx is relayed, with
 *       {@code X-Oscope-Cloud} naming its cloud, and the other calls are dropped; 404s are passed
 *       over; no cloud with it is a 404.
 * </ul>
 *
 * A cloud that fails (connection, 5xx, deadline, unreadable answer) fails the request with a 502
 * naming it, or, under {@code --fan-out-failure partial}, is left out and named in {@code
 * X-Oscope-Fan-Out-Failed}. A 4xx other than a single resource's 404 is the clouds' answer to a
 * request they refuse, relayed as it came (from the first such cloud of the expression).
 */
final class FanOutExchange extends Exchange {
  private static final Logger LOG = LoggerFactory.getLogger(FanOutExchange.class);
  static final String CLOUD_HEADER = "x-oscope-cloud";
  static final String FAILED_HEADER = "x-oscope-fan-out-failed";

  private final ProxyContext context;
  private final ClientConnection client;
  private final ChannelHandlerContext front;
  private final RequestHead request;
  private final RequestRecord record;
  private final ScopeRouter router;
  private final MarkerKey key;
  private final String serviceType;
  private final List<String> clouds;
  private final List<List<Route>> operands;
  private final FanOutSettings.Failure policy;
  private BranchCall[] calls;
  /** The list call, or null for a single resource. */
  private FanOutList list;
  private int pending;
  private boolean starting;
  private boolean done;
  private boolean requestReceived;
  private boolean closeClient;

  /**
   * @param operands for each operand of the {@code &}, in order: its route, then its fallbacks
   */
  FanOutExchange(ProxyContext context, ClientConnection client, ChannelHandlerContext front, RequestHead request,
      String serviceType, List<List<Route>> operands, RequestRecord record, ScopeRouter router, MarkerKey key) {
    this.context = context;
    this.client = client;
    this.front = front;
    this.request = request;
    this.serviceType = serviceType;
    this.operands = List.copyOf(operands);
    this.record = record;
    this.router = router;
    this.key = key;
    this.policy = context.settings().fanOut().failure();
    this.clouds = this.operands.stream().map(routes -> routes.get(0).cloud()).toList();
    this.requestReceived = !request.hasBody();
  }

  @Override
  RequestRecord record() {
    return record;
  }

  @Override
  boolean closesClient() {
    return closeClient;
  }

  @Override
  boolean wantsClientReads() {
    return true; // a body of a GET is read and dropped
  }

  @Override
  void start() {
    RequestTarget target = RequestTarget.of(request.target(), request.value(HeaderNames.HOST));
    String pathAndQuery = target.pathAndQuery();
    int mark = pathAndQuery.indexOf('?');
    String path = mark < 0 ? pathAndQuery : pathAndQuery.substring(0, mark);
    ListCall call = request.method().equals(HttpMethod.GET) ? ListCalls.find(serviceType, path) : null;
    if (request.hasBody()) {
      fail(new ProxyError.BadFanOutList("a request with a body cannot go to several clouds"));
      return;
    }
    try {
      if (call != null) {
        list = FanOutList.parse(call, mark < 0 ? "" : pathAndQuery.substring(mark + 1), key, clouds,
            context.settings().fanOut().maxBody());
      }
    } catch (BadListRequest e) {
      fail(new ProxyError.BadFanOutList(e.getMessage()));
      return;
    }
    calls = new BranchCall[operands.size()];
    String peer = client.peer();
    for (int i = 0; i < calls.length; i++) {
      String branchQuery = list == null ? null : list.queryFor(clouds.get(i));
      if (list != null && branchQuery == null) continue; // at its end: nothing to ask
      calls[i] = new BranchCall(context, this, front, request, router, peer, clouds.get(i), operands.get(i),
          branchQuery);
      pending++;
    }
    starting = true;
    for (BranchCall branch : calls) {
      if (branch != null && !done) branch.start();
    }
    starting = false;
    if (!done && pending == 0) decide();
  }

  /** {@code branch} is over: answered, failed or timed out. */
  void branchDone(BranchCall branch) {
    context.metrics().fanOutBranch(branch.outcome());
    if (done) {
      branch.release();
      return;
    }
    pending--;
    if (branch.state() == BranchCall.State.REFUSED) {
      fail(branch.refusal()); // the project may not use that cloud: as its failover would answer
      return;
    }
    if (list == null && branch.state() == BranchCall.State.ANSWERED && branch.status() / 100 == 2) {
      relay(branch, failures());
      return;
    }
    if (pending == 0 && !starting) decide();
  }

  private void decide() {
    try {
      if (list == null) decideResource();
      else decideList();
    } catch (RuntimeException e) {
      // A bug of ours, or an answer the merge cannot take (an item without its marker field):
      // the client still gets an answer, and the log the stack.
      LOG.error("internal error answering the fan-out of {} {}", record.method, record.path, e);
      if (!done) fail(new ProxyError.Internal());
    }
  }

  private void decideResource() {
    Map<String, String> failures = failures();
    BranchCall refusal = firstRefusal(true);
    if (!failures.isEmpty() && (policy == FanOutSettings.Failure.FAIL || failures.size() == clouds.size())) {
      fail(new ProxyError.FanOutFailed(failures));
    } else if (refusal != null) {
      relay(refusal, failures);
    } else {
      fail(new ProxyError.NotFoundInAnyCloud(clouds, List.copyOf(failures.keySet())));
    }
  }

  private void decideList() {
    Map<String, String> failures = failures();
    BranchCall refusal = firstRefusal(false);
    if (refusal != null) {
      relay(refusal, failures);
      return;
    }
    FanOutList.Pages pages = list.read(calls, clouds, failures);
    if (!failures.isEmpty() && (policy == FanOutSettings.Failure.FAIL || failures.size() == pending(calls))) {
      fail(new ProxyError.FanOutFailed(failures));
      return;
    }
    byte[] body = list.merge(pages, requestUrl());
    ByteBuf out = front.alloc().buffer(256 + body.length);
    out.writeCharSequence("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length
        + "\r\nvia: " + context.rules().viaEntry(), StandardCharsets.ISO_8859_1);
    record.status = 200;
    record.bytes = body.length;
    respond(out, failures, body);
  }

  /** How many clouds were asked. */
  private static int pending(BranchCall[] calls) {
    int asked = 0;
    for (BranchCall branch : calls) {
      if (branch != null) asked++;
    }
    return asked;
  }

  /** The URL the client asked, without its query: where the next link points. */
  private String requestUrl() {
    String target = request.target();
    int mark = target.indexOf('?');
    String path = mark < 0 ? target : target.substring(0, mark);
    if (!path.startsWith("/")) return path; // absolute form: the client's own URL
    String scheme = context.settings().tls().serverTls() ? "https" : "http";
    return scheme + "://" + request.value(HeaderNames.HOST) + path;
  }

  /** Relays {@code branch}'s answer as it came, naming its cloud (and the failed ones). */
  private void relay(BranchCall branch, Map<String, String> failures) {
    ByteBuf head = branch.head();
    ByteBuf body = branch.body();
    boolean head0 = request.method().equals(HttpMethod.HEAD);
    ByteBuf out = front.alloc().buffer(head.readableBytes() + 128 + (head0 ? 0 : body.readableBytes()));
    out.writeBytes(head, head.readerIndex(), head.readableBytes());
    if (!branch.lengthInHead() && !head0) {
      out.writeCharSequence("\r\ncontent-length: " + body.readableBytes(), StandardCharsets.ISO_8859_1);
    }
    out.writeCharSequence("\r\n" + CLOUD_HEADER + ": " + branch.answeredBy(), StandardCharsets.ISO_8859_1);
    record.status = branch.status();
    record.bytes = head0 ? 0 : body.readableBytes();
    byte[] payload = head0 ? new byte[0] : ByteBufUtil.getBytes(body);
    branch.release();
    respond(out, failures, payload);
  }

  /** Ends {@code out}, a head without its last line end, with the shared lines and {@code body}; sends it. */
  private void respond(ByteBuf out, Map<String, String> failures, byte[] body) {
    if (!failures.isEmpty()) {
      out.writeCharSequence("\r\n" + FAILED_HEADER + ": " + String.join(", ", failures.keySet()),
          StandardCharsets.ISO_8859_1);
    }
    closeClient = !requestReceived || !(request.keepAlive() && client.keepAlive());
    if (closeClient) out.writeCharSequence("\r\nconnection: close", StandardCharsets.ISO_8859_1);
    else if (!request.http11()) out.writeCharSequence("\r\nconnection: keep-alive", StandardCharsets.ISO_8859_1);
    out.writeCharSequence("\r\n\r\n", StandardCharsets.ISO_8859_1);
    out.writeBytes(body);
    finish();
    if (closeClient) front.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    else front.writeAndFlush(out, front.voidPromise());
    client.finished(this);
  }

  private void fail(ProxyError error) {
    finish();
    client.fail(record, error, !requestReceived || !(request.keepAlive() && client.keepAlive()));
    client.finished(this);
  }

  /** Nothing more happens: the calls still running are dropped; the record names every cloud's end. */
  private void finish() {
    done = true;
    StringBuilder upstreams = new StringBuilder();
    for (int i = 0; calls != null && i < calls.length; i++) {
      BranchCall branch = calls[i];
      if (upstreams.length() > 0) upstreams.append(',');
      upstreams.append(clouds.get(i)).append('=').append(branch == null ? "done" : branch.end());
      if (branch != null) branch.cancel();
    }
    if (calls != null) record.upstream = upstreams.toString();
  }

  /** The clouds that failed and why, in the expression's order. */
  private Map<String, String> failures() {
    Map<String, String> failures = new LinkedHashMap<>();
    for (BranchCall branch : calls) {
      if (branch != null && (branch.state() == BranchCall.State.FAILED || branch.state() == BranchCall.State.TIMED_OUT)) {
        failures.put(branch.cloud, branch.failure());
      }
    }
    return failures;
  }

  /** The first answer that is neither a 2xx nor, if {@code passOver404}, a 404. */
  private BranchCall firstRefusal(boolean passOver404) {
    for (BranchCall branch : calls) {
      if (branch == null || branch.state() != BranchCall.State.ANSWERED) continue;
      int status = branch.status();
      if (status / 100 != 2 && !(passOver404 && status == 404)) return branch;
    }
    return null;
  }

  @Override
  void checkTimeout(long now) {
    if (done || calls == null) return;
    for (BranchCall branch : calls) {
      if (branch != null && !done) branch.checkTimeout(now);
    }
  }

  @Override
  void requestBody(Object part) {
    if (part instanceof RequestDecoder.End) requestReceived = true;
    else if (part instanceof ByteBuf buffer) buffer.release();
  }

  @Override
  void requestFailed(ProxyError error) {
    requestReceived = true;
    if (done) return;
    finish();
    client.fail(record, error, true);
    client.finished(this);
  }

  @Override
  void clientReadComplete() {
    // Nothing goes on while the request body is read: it is dropped.
  }

  @Override
  void clientWritabilityChanged() {
    // The answer goes out in one write.
  }

  @Override
  void clientClosed() {
    if (!done) finish();
  }
}
