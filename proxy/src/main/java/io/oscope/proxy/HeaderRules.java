package io.oscope.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.oscope.exchange.PeerSignature;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.ScopedToken;
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
  private final String scheme;

  /** @param scheme how clients reach this proxy: {@code http} or {@code https} */
  HeaderRules(String viaName, String scheme) {
    this.viaName = viaName;
    this.scheme = scheme;
    this.viaEntry = "1.1 " + viaName;
  }

  /** This proxy's {@code Via} entry, e.g. {@code 1.1 oscope-CloudOne}. */
  String viaEntry() {
    return viaEntry;
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

  /** Both Content-Length and Transfer-Encoding: RFC 9112 6.3 says a proxy must not forward it. */
  static boolean hasAmbiguousFraming(HttpHeaders request) {
    return request.contains(HttpHeaderNames.CONTENT_LENGTH) && request.contains(HttpHeaderNames.TRANSFER_ENCODING);
  }

  /** The headers to send upstream for {@code request} along {@code route}. */
  HttpHeaders upstreamRequest(HttpHeaders request, Route route, RouteTable table, String clientAddress) {
    HttpHeaders out = withoutHopByHop(request);
    out.remove(HttpHeaderNames.EXPECT); // this proxy answers 100-continue itself, once upstream is reached
    out.remove(PeerSignature.HEADER); // a signature is for one hop; the forwarder signs afresh where due
    out.set(HttpHeaderNames.HOST, route.host());
    if (!route.passThrough()) {
      stripScope(out, X_SUBJECT_TOKEN);
      if (IDENTITY.equals(route.serviceType())) stripScope(out, X_AUTH_TOKEN);
      out.set(X_SCOPE, route.scope().toJson());
      String identityCloud = route.scope().cloudOf(IDENTITY);
      ServiceUrl identity = identityCloud == null ? null : table.identityOf(identityCloud);
      if (identity != null) {
        out.set(X_IDENTITY_CLOUD, identityCloud);
        out.set(X_IDENTITY_URL, identity.toString());
      } else {
        out.remove(X_IDENTITY_CLOUD);
        out.remove(X_IDENTITY_URL);
      }
    }
    appendVia(out);
    String forwardedFor = out.get(X_FORWARDED_FOR);
    out.set(X_FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    if (!out.contains(X_FORWARDED_PROTO)) out.set(X_FORWARDED_PROTO, scheme);
    String host = request.get(HttpHeaderNames.HOST);
    if (!out.contains(X_FORWARDED_HOST) && host != null) out.set(X_FORWARDED_HOST, host);
    return out;
  }

  /** Copies an upstream response's headers for the client, without hop-by-hop ones, with Via. */
  HttpHeaders downstreamResponse(HttpHeaders response) {
    HttpHeaders out = withoutHopByHop(response);
    appendVia(out);
    return out;
  }

  private void appendVia(HttpHeaders out) {
    String via = out.get(HttpHeaderNames.VIA);
    out.set(HttpHeaderNames.VIA, via == null ? viaEntry : via + ", " + viaEntry);
  }

  private static HttpHeaders withoutHopByHop(HttpHeaders in) {
    // Copying whole is Netty's fast path (no re-validation); then the few hop-by-hop names go.
    HttpHeaders out = in.copy();
    for (AsciiString hop : HOP_BY_HOP) out.remove(hop);
    if (!in.contains(HttpHeaderNames.CONNECTION)) return out;
    for (String connection : in.getAll(HttpHeaderNames.CONNECTION)) {
      for (String named : connection.split(",")) {
        String name = named.strip();
        if (!name.isEmpty()) out.remove(name);
      }
    }
    return out;
  }


  private static void stripScope(HttpHeaders headers, AsciiString name) {
    String value = headers.get(name);
    if (value == null) return;
    String token = ScopedToken.tokenOf(value);
    if (token.length() != value.length()) headers.set(name, token);
  }
}
