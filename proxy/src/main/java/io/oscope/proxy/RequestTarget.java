package io.oscope.proxy;

/**
 * Where a request says it is going: the authority and the path with its query, from the request
 * line in absolute form ({@code GET http://h:5000/v3 HTTP/1.1}, as sent to an HTTP proxy) or from
 * origin form and the {@code Host} header.
 *
 * @param authority {@code host[:port]} as written by the client
 * @param pathAndQuery starts with '/'
 * @param absoluteForm whether the request line carried the authority
 */
record RequestTarget(String authority, String pathAndQuery, boolean absoluteForm) {

  /** The target of a request line's URI, or {@code null} when it has no usable authority. */
  static RequestTarget of(String uri, String host) {
    int schemeEnd = schemeEnd(uri);
    if (schemeEnd < 0) {
      if (host == null || host.isEmpty()) return null;
      return new RequestTarget(host, uri.isEmpty() ? "/" : uri, false);
    }
    int start = schemeEnd + 3;
    int end = start;
    while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') end++;
    if (end == start) return null;
    String path = end == uri.length() ? "/" : uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
    return new RequestTarget(uri.substring(start, end), path, true);
  }

  private static int schemeEnd(String uri) {
    if (uri.regionMatches(true, 0, "http://", 0, 7)) return 4;
    if (uri.regionMatches(true, 0, "https://", 0, 8)) return 5;
    return -1;
  }
}
