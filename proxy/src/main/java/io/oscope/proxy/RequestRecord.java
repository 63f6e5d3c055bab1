package io.oscope.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestHead;
import io.oscope.logging.LogTime;
import io.oscope.tracing.RequestIds;
import io.oscope.tracing.RequestSpans;
import io.oscope.tracing.TraceParent;

/**
 * What one request did, for its access-log line and its metrics: filled in as the request goes,
 * on its event loop, and read once when it ends. With it, the IDs that join its lines to others':
 * oscope's own, the first proxy's (sent from peer to peer), the client's global request ID, the
 * service's request ID and the trace's.
 */
final class RequestRecord {
  static final byte[] X_OSCOPE_REQUEST_ID = HeaderNames.ascii("x-oscope-request-id");
  static final byte[] TRACEPARENT = HeaderNames.ascii("traceparent");

  final String method;
  /**
   * The request target without its query (markers, signed URLs). An absolute form keeps its scheme
   * and authority, which never carries userinfo: the codec refuses a target with it ({@code RequestHead}).
   */
  final String path;
  final String client;
  final long startNanos;
  String service = "-";
  String cloud = "-";
  int status;
  long bytes;
  /** The clouds tried before {@link #cloud} answered, in order, comma-separated ({@code |} failover), or null. */
  String failover;
  /** The upstream address of the last try. */
  String upstream = "-";
  /** oscope's own ID of the request ({@link RequestIds}). */
  long id;
  /** The ID a peer proxy sent, the first proxy's: null when the request came from no peer. */
  String originId;
  /** The client's global request ID ({@code X-OpenStack-Request-ID: req-<uuid>}), or null. */
  String globalRequestId;
  /** The request ID the service answered, or null. */
  String openStackRequestId;
  /** The trace's ID, or null when the request is in no trace. */
  String traceId;
  /** The request's spans, with tracing on; else null. */
  RequestSpans spans;
  /**
   * For the span: what kept the exchange from completing (a {@link ProxyError}'s kind, a cut
   * response, a client gone), or null.
   */
  String failure;
  /** The user and project of the request's token, when a tenant policy needed them; else null. */
  String userId;
  String projectId;

  RequestRecord(String method, String path, String client, long startNanos) {
    this.method = method;
    this.path = path;
    this.client = client;
    this.startNanos = startNanos;
  }

  /**
   * Reads the IDs the client sent, each kept only if of its valid form: a global request ID, a
   * peer's origin ID, a trace's ID. One pass over the headers; nothing allocated when none is there.
   */
  void readIds(RequestHead request) {
    byte[] bytes = request.bytes();
    for (int i = 0; i < request.count(); i++) {
      int start = request.valueStart(i);
      int end = request.valueEnd(i);
      switch (request.nameEnd(i) - request.nameStart(i)) {
        case 22 -> {
          if (globalRequestId == null && request.nameIs(i, HeaderNames.X_OPENSTACK_REQUEST_ID)
              && RequestIds.isOpenStackId(bytes, start, end)) {
            globalRequestId = request.value(i);
          }
        }
        case 19 -> {
          if (originId == null && request.nameIs(i, X_OSCOPE_REQUEST_ID) && RequestIds.isOscopeId(bytes, start, end)) {
            originId = request.value(i);
          }
        }
        case 11 -> {
          if (traceId == null && request.nameIs(i, TRACEPARENT)) traceId = TraceParent.traceId(bytes, start, end);
        }
        default -> { }
      }
    }
  }

  /** {@code cloud} was tried and did not answer: the request went on to the next alternative. */
  void failedOver(String cloud) {
    failover = failover == null ? cloud : failover + "," + cloud;
  }

  /** The ID a peer gets in {@code X-Oscope-Request-ID}: the first proxy's, which may be this one. */
  String peerId(RequestIds ids) {
    return originId != null ? originId : ids.format(id);
  }

  /** Ends the request's SERVER span with what is known now. */
  void endSpan(RequestIds ids) {
    spans.end(status, failure, ids.format(id), originId, globalRequestId, openStackRequestId);
  }

  String serviceOrNull() {
    return "-".equals(service) ? null : service;
  }

  String cloudOrNull() {
    return "-".equals(cloud) ? null : cloud;
  }

  /**
   * One access-log line, ended at {@code epochMillis} and written by proxy {@code proxy}: time,
   * proxy, method, service, target cloud, status, bytes, duration, path (no query), and the
   * upstream address of the last try; then {@code id=}, and those of the other IDs that are known;
   * then {@code failover=} and the clouds tried before the one that answered, if any.
   */
  String logLine(long endNanos, long epochMillis, String proxy, RequestIds ids) {
    StringBuilder line = LogTime.append(new StringBuilder(128), epochMillis).append(' ').append(proxy).append(' ')
        .append(method).append(' ').append(service).append(' ').append(cloud)
        .append(' ').append(status).append(' ').append(bytes).append("B ");
    appendMillis(line, endNanos).append("ms ").append(path).append(" -> ").append(upstream);
    ids.append(line.append(" id="), id);
    if (originId != null) line.append(" origin_id=").append(originId);
    if (globalRequestId != null) line.append(" global_request_id=").append(globalRequestId);
    if (openStackRequestId != null) line.append(" openstack_request_id=").append(openStackRequestId);
    if (traceId != null) line.append(" trace_id=").append(traceId);
    if (failover != null) line.append(" failover=").append(failover);
    if (userId != null) line.append(" user_id=").append(userId);
    if (projectId != null) line.append(" project_id=").append(projectId);
    return line.toString();
  }

  /** The same as one JSON object, with the client's address; IDs that are not known are null. */
  String logJson(long endNanos, long epochMillis, String proxy, RequestIds ids) {
    StringBuilder out = LogTime.append(new StringBuilder(256).append("{\"time\":\""), epochMillis).append('"');
    field(out, "proxy", proxy);
    field(out, "client", client);
    field(out, "method", method);
    field(out, "service", service);
    field(out, "cloud", cloud);
    out.append(",\"status\":").append(status).append(",\"bytes\":").append(bytes)
        .append(",\"ms\":");
    appendMillis(out, endNanos);
    field(out, "path", path);
    field(out, "upstream", upstream);
    ids.append(out.append(",\"id\":\""), id).append('"');
    // The IDs below are checked to be of their forms (hex digits and dashes): nothing to escape.
    id(out, "origin_id", originId);
    id(out, "global_request_id", globalRequestId);
    id(out, "openstack_request_id", openStackRequestId);
    id(out, "trace_id", traceId);
    id(out, "failover", failover); // cloud names: tokens, nothing to escape
    // Keystone's IDs are hex digits; escaped all the same, since they come from Keystone's answer.
    if (userId != null) field(out, "user_id", userId);
    if (projectId != null) field(out, "project_id", projectId);
    return out.append('}').toString();
  }

  /** The duration in milliseconds with one decimal, rounded half up, without java.util.Formatter. */
  private StringBuilder appendMillis(StringBuilder out, long endNanos) {
    long tenths = (endNanos - startNanos + 50_000) / 100_000;
    return out.append(tenths / 10).append('.').append(tenths % 10);
  }

  private static void id(StringBuilder out, String name, String value) {
    out.append(",\"").append(name).append("\":");
    if (value == null) out.append("null");
    else out.append('"').append(value).append('"');
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(",\"").append(name).append("\":\"");
    JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }
}
