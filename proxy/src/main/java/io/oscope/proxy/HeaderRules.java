package io.oscope.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.oscope.exchange.PeerSignature;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The seed's header rules, plus what any HTTP proxy owes: strip the scope suffix from
 * {@code X-Subject-Token} always and from {@code X-Auth-Token} for identity; send the complete scope
 * in {@code X-Scope} and the identity cloud in {@code X-Identity-Cloud}/{@code -Url}; add {@code Via}
 * and {@code X-Forwarded-*}; drop hop-by-hop headers.
 */
final class HeaderRules {
  static final AsciiString X_SCOPE = AsciiString.cached("x-scope");
  static final AsciiString X_AUTH_TOKEN = AsciiString.cached("x-auth-token");
  static final AsciiString X_SUBJECT_TOKEN = AsciiString.cached("x-subject-token");
  static final AsciiString X_IDENTITY_CLOUD = AsciiString.cached("x-identity-cloud");
  static final AsciiString X_IDENTITY_URL = AsciiString.cached("x-identity-url");
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final String IDENTITY = "identity";

  /** RFC 9110 7.6.1 hop-by-hop headers, plus the non-standard Proxy-Connection. */
  private static final List<AsciiString> HOP_BY_HOP = List.of(
      HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_AUTHENTICATE,
      HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
      HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE, PROXY_CONNECTION);

  private static final Pattern WHITESPACE = Pattern.compile("[ \t]+");

  private final String viaName;
  private final String viaEntry;
  /** The scope headers last sent; shared by the event loops without a lock (immutable, a stale one only misses). */
  private volatile ScopeHeaders lastScope;

  private record ScopeHeaders(Scope scope, RouteTable table, CharSequence json, String identityCloud,
      CharSequence identityUrl) {}
  private final byte[] viaEntryBytes;
  private final String scheme;

  /** @param scheme how clients reach this proxy: {@code http} or {@code https} */
  HeaderRules(String viaName, String scheme) {
    this.viaName = viaName;
    this.scheme = scheme;
    this.viaEntry = "1.1 " + viaName;
    this.viaEntryBytes = viaEntry.getBytes(StandardCharsets.US_ASCII);
  }

  /** This proxy's {@code Via} entry, e.g. {@code 1.1 oscope-CloudOne}. */
  String viaEntry() {
    return viaEntry;
  }

  /** {@link #viaEntry()} in ASCII, for heads written as bytes. */
  byte[] viaEntryBytes() {
    return viaEntryBytes;
  }

  /** Whether the request already passed through this proxy. */
  boolean isLoop(HttpHeaders request) {
    if (!request.contains(HttpHeaderNames.VIA)) return false;
    for (String via : request.getAll(HttpHeaderNames.VIA)) {
      for (String element : via.split(",")) {
        String[] parts = WHITESPACE.split(element.strip());
        if (parts.length >= 2 && parts[1].equals(viaName)) return true;
      }
    }
    return false;
  }

  /**
   * Turns a request's headers, in place, into those to send upstream along {@code route}. Read
   * what the client's own headers say (keep-alive, Expect, framing) before: they are gone after.
   */
  void upstreamRequest(HttpHeaders headers, Route route, RouteTable table, String clientAddress) {
    String host = headers.get(HttpHeaderNames.HOST);
    removeHopByHop(headers);
    headers.remove(HttpHeaderNames.EXPECT); // this proxy answers 100-continue itself, once upstream is reached
    headers.remove(PeerSignature.HEADER); // a signature is for one hop; the forwarder signs afresh where due
    headers.set(HttpHeaderNames.HOST, route.host());
    if (!route.passThrough()) {
      stripScope(headers, X_SUBJECT_TOKEN);
      if (IDENTITY.equals(route.serviceType())) stripScope(headers, X_AUTH_TOKEN);
      ScopeHeaders scope = scopeHeaders(route.scope(), table);
      headers.set(X_SCOPE, scope.json);
      if (scope.identityUrl != null) {
        headers.set(X_IDENTITY_CLOUD, scope.identityCloud);
        headers.set(X_IDENTITY_URL, scope.identityUrl);
      } else {
        headers.remove(X_IDENTITY_CLOUD);
        headers.remove(X_IDENTITY_URL);
      }
    }
    appendVia(headers);
    String forwardedFor = headers.get(X_FORWARDED_FOR);
    headers.set(X_FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    if (!headers.contains(X_FORWARDED_PROTO)) headers.set(X_FORWARDED_PROTO, scheme);
    if (!headers.contains(X_FORWARDED_HOST) && host != null) headers.set(X_FORWARDED_HOST, host);
  }

  /**
   * The scope's headers, encoded once: request after request the router hands over the same
   * scope, whose values then go to the encoder as bytes ready to copy.
   */
  private ScopeHeaders scopeHeaders(Scope scope, RouteTable table) {
    ScopeHeaders last = lastScope;
    if (last != null && last.scope == scope && last.table == table) return last;
    String identityCloud = scope.cloudOf(IDENTITY);
    ServiceUrl identity = identityCloud == null ? null : table.identityOf(identityCloud);
    ScopeHeaders encoded = new ScopeHeaders(scope, table, ascii(scope.toJson()), identityCloud,
        identity == null ? null : ascii(identity.toString()));
    lastScope = encoded;
    return encoded;
  }

  /** {@code text} as an AsciiString (copied as bytes by the encoder) if it is ASCII, else as it is. */
  private static CharSequence ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) return text;
    }
    return new AsciiString(text);
  }

  private void appendVia(HttpHeaders out) {
    String via = out.get(HttpHeaderNames.VIA);
    out.set(HttpHeaderNames.VIA, via == null ? viaEntry : via + ", " + viaEntry);
  }

  private static void removeHopByHop(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
        for (String named : connection.split(",")) {
          String name = named.strip();
          if (!name.isEmpty()) headers.remove(name);
        }
      }
    }
    for (AsciiString hop : HOP_BY_HOP) headers.remove(hop);
  }

  private static void stripScope(HttpHeaders headers, AsciiString name) {
    String value = headers.get(name);
    if (value == null) return;
    String token = ScopedToken.tokenOf(value);
    if (token.length() != value.length()) headers.set(name, token);
  }
}
