package io.oscope.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.oscope.logging.LogTime;

/**
 * What one request did, for its access-log line and its metrics: filled in as the request goes,
 * on its event loop, and read once when it ends.
 */
final class RequestRecord {
  final String method;
  final String path;
  final String client;
  final long startNanos;
  String service = "-";
  String cloud = "-";
  int status;
  long bytes;
  /** The upstream address of the last try. */
  String upstream = "-";

  RequestRecord(String method, String path, String client, long startNanos) {
    this.method = method;
    this.path = path;
    this.client = client;
    this.startNanos = startNanos;
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
   * upstream address of the last try.
   */
  String logLine(long endNanos, long epochMillis, String proxy) {
    StringBuilder line = LogTime.append(new StringBuilder(128), epochMillis).append(' ').append(proxy).append(' ')
        .append(method).append(' ').append(service).append(' ').append(cloud)
        .append(' ').append(status).append(' ').append(bytes).append("B ");
    return appendMillis(line, endNanos).append("ms ").append(path).append(" -> ").append(upstream).toString();
  }

  /** The same as one JSON object, with the client's address. */
  String logJson(long endNanos, long epochMillis, String proxy) {
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
    return out.append('}').toString();
  }

  /** The duration in milliseconds with one decimal, rounded half up, without java.util.Formatter. */
  private StringBuilder appendMillis(StringBuilder out, long endNanos) {
    long tenths = (endNanos - startNanos + 50_000) / 100_000;
    return out.append(tenths / 10).append('.').append(tenths % 10);
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append(",\"").append(name).append("\":\"");
    JsonStringEncoder.getInstance().quoteAsString(value, out);
    out.append('"');
  }
}
