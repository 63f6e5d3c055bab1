package io.oscope.http1;

import java.nio.charset.StandardCharsets;

/**
 * Header names as the codec compares them: lower-case ASCII bytes, matched ignoring case. The one
 * set of names for both directions, and the hop-by-hop ones a proxy never forwards.
 */
public final class HeaderNames {
  public static final byte[] HOST = ascii("host");
  public static final byte[] CONTENT_LENGTH = ascii("content-length");
  public static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
  public static final byte[] CONNECTION = ascii("connection");
  public static final byte[] KEEP_ALIVE = ascii("keep-alive");
  public static final byte[] EXPECT = ascii("expect");
  public static final byte[] VIA = ascii("via");
  public static final byte[] TE = ascii("te");
  /** OpenStack's request ID: a client's global one on a request, the service's own on a response. */
  public static final byte[] X_OPENSTACK_REQUEST_ID = ascii("x-openstack-request-id");
  public static final byte[] TRAILER = ascii("trailer");
  public static final byte[] UPGRADE = ascii("upgrade");
  public static final byte[] PROXY_CONNECTION = ascii("proxy-connection");
  public static final byte[] PROXY_AUTHENTICATE = ascii("proxy-authenticate");
  public static final byte[] PROXY_AUTHORIZATION = ascii("proxy-authorization");

  /**
   * RFC 9110 section 7.6.1's hop-by-hop fields, plus the non-standard Proxy-Connection: what a
   * proxy drops in both directions. Connection and Transfer-Encoding, which the codec reads to
   * frame the message, are dropped too; names a {@code Connection} header lists are apart.
   */
  private static final byte[][] HOP_BY_HOP = {CONNECTION, KEEP_ALIVE, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
      PROXY_CONNECTION, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION};

  /**
   * The fields a trailer section may not carry (RFC 9110 section 6.5.1): those that frame the
   * message, route it, authenticate, modify the request, control the response or describe the
   * content, which a recipient needs before the body. Dropped from trailers in both directions.
   */
  private static final byte[][] NOT_TRAILERS = {CONTENT_LENGTH, TRANSFER_ENCODING, HOST, CONNECTION, KEEP_ALIVE, TE,
      TRAILER, UPGRADE, PROXY_CONNECTION, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, ascii("proxy-authentication-info"),
      ascii("authorization"), ascii("www-authenticate"), ascii("authentication-info"), ascii("cookie"),
      ascii("set-cookie"), ascii("content-type"), ascii("content-encoding"), ascii("content-range"),
      ascii("content-location"), ascii("range"), ascii("if-match"), ascii("if-none-match"),
      ascii("if-modified-since"), ascii("if-unmodified-since"), ascii("if-range"), ascii("cache-control"),
      ascii("expires"), ascii("age"), ascii("pragma"), ascii("vary"), ascii("location"), ascii("retry-after"),
      EXPECT, ascii("max-forwards"), VIA, ascii("date")};

  private HeaderNames() {}

  /** {@code text}'s ASCII bytes: how names and fixed values are compared and written. */
  public static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the {@code length} bytes at {@code at} name a hop-by-hop field, ignoring case. */
  public static boolean isHopByHop(byte[] bytes, int at, int length) {
    for (byte[] hop : HOP_BY_HOP) {
      if (HeaderBytes.is(bytes, at, length, hop)) return true;
    }
    return false;
  }

  /** Whether the {@code length} bytes at {@code at} name a field a trailer section may not carry. */
  static boolean isNotTrailer(byte[] bytes, int at, int length) {
    for (byte[] name : NOT_TRAILERS) {
      if (HeaderBytes.is(bytes, at, length, name)) return true;
    }
    return false;
  }
}
