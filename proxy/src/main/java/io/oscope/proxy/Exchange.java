package io.oscope.proxy;

/**
 * What one request did, for its access-log line. Mutated only on the request's event loop.
 */
final class Exchange {
  final String method;
  final String path;
  final String client;
  final long startNanos;
  String service = "-";
  String cloud = "-";
  int status;
  long bytes;
  boolean responseStarted;
  boolean serviceTokenRenewed;

  Exchange(String method, String path, String client, long startNanos) {
    this.method = method;
    this.path = path;
    this.client = client;
    this.startNanos = startNanos;
  }

  /** One access-log line: method, service, target cloud, status, bytes, duration, path (no query). */
  String logLine(long endNanos) {
    return String.format("%s %s %s %d %dB %.1fms %s",
        method, service, cloud, status, bytes, (endNanos - startNanos) / 1e6, path);
  }
}
