package io.oscope.proxy;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Whether a request reads one resource, e.g. {@code GET /v2/images/<id>}: then a 404 from one
 * alternative of {@code A | B} moves on to the next, since the resource may live in the other
 * cloud. A collection ({@code /v2/images}, {@code /servers/detail}) or a version document is no
 * single resource: its 404 is an answer.
 *
 * <p>The rule, a guess on the path alone that holds for OpenStack's APIs: a {@code GET} or
 * {@code HEAD} whose last path segment looks like an ID, a UUID (with or without dashes) or any
 * segment with a digit that is not a version ({@code v2}, {@code v2.1}). Names without digits
 * ({@code os-keypairs/mykey}) are not recognised: their 404 is answered, not failed over.
 */
final class SingleResource {
  private SingleResource() {}

  static boolean isRead(HttpMethod method, String pathAndQuery) {
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) return false;
    int end = pathAndQuery.indexOf('?');
    if (end < 0) end = pathAndQuery.length();
    while (end > 0 && pathAndQuery.charAt(end - 1) == '/') end--;
    int start = pathAndQuery.lastIndexOf('/', end - 1) + 1;
    return looksLikeAnId(pathAndQuery, start, end);
  }

  private static boolean looksLikeAnId(String path, int start, int end) {
    if (end <= start) return false;
    boolean digit = false;
    for (int i = start; i < end; i++) {
      if (Character.isDigit(path.charAt(i))) {
        digit = true;
        break;
      }
    }
    return digit && !isVersion(path, start, end) || isHex(path, start, end);
  }

  /** {@code v2}, {@code v2.1}, {@code v3}: the root of an API version. */
  private static boolean isVersion(String path, int start, int end) {
    if (path.charAt(start) != 'v' && path.charAt(start) != 'V' || end - start < 2) return false;
    for (int i = start + 1; i < end; i++) {
      char c = path.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '.')) return false;
    }
    return true;
  }

  /** 32 hex digits, dashes allowed between them: a UUID, or Keystone's dashless IDs. */
  private static boolean isHex(String path, int start, int end) {
    int hex = 0;
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (Character.digit(c, 16) >= 0) hex++;
      else if (c != '-') return false;
    }
    return hex == 32;
  }
}
