package io.oscope.proxy;

import static io.oscope.http1.HeaderNames.ascii;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.oscope.exchange.PeerSignature;
import io.oscope.http1.HeaderNames;
import io.oscope.http1.RequestHead;
import io.oscope.routes.RouteTable;
import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenStackoïd prototype's header rules, plus what any HTTP proxy owes: strip the scope suffix
 * from {@code X-Subject-Token} always and from {@code X-Auth-Token} for identity; send the complete
 * scope in {@code X-Scope} and the identity cloud in {@code X-Identity-Cloud}/{@code -Url} (and
 * never a client's own: oscope owns them); a token leaving for a peer carries the scope it needs
 * there (the request's own on {@code X-Auth-Token}, this cloud's identity on {@code
 * X-Service-Token}), so the peer's services check it with the Keystone that issued it; send the
 * target's authority as {@code Host}, one {@code
 * Content-Length}, and drop hop-by-hop headers; add {@code Via} and {@code X-Forwarded-*}, passing
 * on a peer's forwarding headers only if it is a {@link TrustedHops trusted hop}.
 *
 * <p>The request head for upstream is written as bytes in one pass over the client's headers,
 * which stay as they were: a retry writes it again, with what has changed since (a fresh service
 * token).
 */
final class HeaderRules {
  static final byte[] X_SCOPE = ascii("x-scope");
  static final byte[] X_AUTH_TOKEN = ascii("x-auth-token");
  static final byte[] X_SUBJECT_TOKEN = ascii("x-subject-token");
  static final byte[] X_SERVICE_TOKEN = ascii("x-service-token");
  static final byte[] X_OSCOPE_PEER = ascii(PeerSignature.HEADER.toLowerCase(Locale.ROOT));
  private static final byte[] X_IDENTITY_CLOUD = ascii("x-identity-cloud");
  private static final byte[] X_IDENTITY_URL = ascii("x-identity-url");
  private static final byte[] X_FORWARDED_FOR = ascii("x-forwarded-for");
  private static final byte[] X_FORWARDED_PROTO = ascii("x-forwarded-proto");
  private static final byte[] X_FORWARDED_HOST = ascii("x-forwarded-host");
  private static final byte[] FORWARDED = ascii("forwarded");
  private static final byte[] TRACEPARENT = RequestRecord.TRACEPARENT;
  static final byte[] TRACESTATE = ascii("tracestate");
  private static final byte[] VIA = HeaderNames.VIA;
  private static final byte[] HOST = HeaderNames.HOST;
  private static final byte[] CONTENT_LENGTH = HeaderNames.CONTENT_LENGTH;
  private static final String IDENTITY = "identity";
  private static final byte[] HTTP_1_1_LINE_END = ascii(" HTTP/1.1\r\n");
  private static final byte[] COLON = ascii(": ");
  private static final byte[] COMMA = ascii(", ");
  private static final byte[] CRLF = ascii("\r\n");
  private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");

  /** What becomes of a client's request header on its way upstream. */
  private enum Fate {
    KEEP,
    /**
     * Hop-by-hop, or replaced whatever the route: Host, Content-Length (written once, RFC 9110
     * section 8.6), Expect, a peer's signature, X-Scope and X-Identity-* (oscope's own: set on
     * service routes, never passed on from a client).
     */
    DROP,
    AUTH_TOKEN,
    /** {@code traceparent} and {@code tracestate}: passed on, unless this proxy's span replaces them. */
    TRACE,
    SUBJECT_TOKEN,
    /** A service's own token, sent beside a user's: it leaves for a peer naming its identity cloud. */
    SERVICE_TOKEN,
    VIA,
    /** Forwarding headers: passed on from a trusted hop only. */
    FORWARDED_FOR,
    FORWARDED_PROTO,
    FORWARDED_HOST,
    FORWARDED
  }

  private final byte[] viaNameBytes;
  /** {@code !SCOPE!{"identity": "<this cloud>"}}: where a service token going to a peer is checked. */
  private final byte[] identityHere;
  private final String viaEntry;
  private final byte[] viaEntryBytes;
  private final AsciiString scheme;
  private final TrustedHops trusted;
  /**
   * The trusted hops with the proxies of the table last met. Shared by the event loops without a
   * lock (immutable, a stale one is only computed again); read only for requests that carry
   * forwarding headers.
   */
  private volatile Hops hops;

  private record Hops(RouteTable table, TrustedHops trusted) {}

  /**
   * @param cloud the cloud this proxy is in: the services that call through it are its own
   * @param scheme how clients reach this proxy: {@code http} or {@code https}
   * @param trusted the peers whose forwarding headers are passed on, besides the route table's other
   *     clouds' proxies
   */
  HeaderRules(String cloud, String viaName, String scheme, TrustedHops trusted) {
    this.identityHere = (ScopedToken.SEPARATOR + Scope.of(Map.of(IDENTITY, cloud)).toJson())
        .getBytes(StandardCharsets.UTF_8);
    this.viaNameBytes = viaName.getBytes(StandardCharsets.ISO_8859_1);
    this.scheme = new AsciiString(scheme);
    this.viaEntry = "1.1 " + viaName;
    this.viaEntryBytes = viaEntry.getBytes(StandardCharsets.US_ASCII);
    this.trusted = trusted;
  }

  /** This proxy's {@code Via} entry, e.g. {@code 1.1 oscope-CloudOne}. */
  String viaEntry() {
    return viaEntry;
  }

  /** {@link #viaEntry()} in ASCII, for heads written as bytes. */
  byte[] viaEntryBytes() {
    return viaEntryBytes;
  }

  /** Whether the request already passed through this proxy: a {@code Via} entry names it. */
  boolean isLoop(RequestHead request) {
    return request.viaLists(viaNameBytes);
  }

  /**
   * Writes to {@code out} the head of the request to send upstream along {@code route}: the
   * request line (HTTP/1.1), the client's headers but those dropped or replaced, then this proxy's.
   *
   * @param client the client's request, left as it is
   * @param table the route table {@code route} comes from: its other clouds' proxies are trusted hops
   * @param clientAddress the IP address of the direct peer (the PROXY header's source, when there is one)
   * @param chunked whether the body goes upstream chunked
   * @param extra what the token exchange adds: a service token for {@code X-Auth-Token}, a
   *     peer signature; both null for most requests
   * @param hop oscope's request ID for a peer and the trace context of this proxy's span, or null
   */
  void writeUpstreamHead(ByteBuf out, RequestHead client, String target, Route route, RouteTable table,
      String clientAddress, boolean chunked, ExchangeHeaders extra, HopHeaders hop) {
    client.writeMethod(out);
    out.writeByte(' ');
    write(out, target);
    out.writeBytes(HTTP_1_1_LINE_END);
    boolean service = !route.passThrough();
    boolean identity = service && IDENTITY.equals(route.serviceType());
    String serviceToken = extra == null ? null : extra.serviceToken();
    boolean connectionNamed = client.connectionNamesOthers();
    boolean newTrace = hop != null && hop.traceparent() != null;
    // The first of each header that this proxy extends or may replace; -1 if the client sent none.
    int via = -1;
    int forwardedFor = -1;
    int forwardedProto = -1;
    int forwardedHost = -1;
    int forwarded = -1;
    for (int i = 0; i < client.count(); i++) {
      if (connectionNamed && client.namedByConnection(i)) continue;
      switch (fateOf(client, i)) {
        case KEEP -> line(out, client, i, false);
        case DROP -> { }
        case AUTH_TOKEN -> {
          if (serviceToken != null) {
            // replaced below
          } else if (service && !identity && (route.scope().onToken() || route.toPeer()) && unscoped(client, i)) {
            out.writeBytes(client.bytes(), client.nameStart(i), client.nameEnd(i) - client.nameStart(i)).writeBytes(COLON);
            writeValue(out, client, i, false);
            write(out, ScopedToken.SEPARATOR);
            write(out, route.scope().json());
            out.writeBytes(CRLF);
          } else {
            line(out, client, i, identity);
          }
        }
        case SUBJECT_TOKEN -> line(out, client, i, service);
        case SERVICE_TOKEN -> {
          if (service && !identity && route.toPeer() && unscoped(client, i)) {
            out.writeBytes(client.bytes(), client.nameStart(i), client.nameEnd(i) - client.nameStart(i)).writeBytes(COLON);
            writeValue(out, client, i, false);
            out.writeBytes(identityHere).writeBytes(CRLF);
          } else {
            line(out, client, i, false);
          }
        }
        case TRACE -> {
          if (!newTrace) line(out, client, i, false);
        }
        case VIA -> via = via < 0 ? i : via;
        case FORWARDED_FOR -> forwardedFor = forwardedFor < 0 ? i : forwardedFor;
        case FORWARDED_PROTO -> forwardedProto = forwardedProto < 0 ? i : forwardedProto;
        case FORWARDED_HOST -> forwardedHost = forwardedHost < 0 ? i : forwardedHost;
        case FORWARDED -> forwarded = forwarded < 0 ? i : forwarded;
      }
    }
    line(out, HOST, route.host());
    if (!chunked && client.contentLength() >= 0) {
      out.writeBytes(CONTENT_LENGTH).writeBytes(COLON);
      writeDecimal(out, client.contentLength());
      out.writeBytes(CRLF);
    }
    if (serviceToken != null) line(out, X_AUTH_TOKEN, serviceToken);
    if (service) {
      ScopeHeaders scope = route.scope();
      line(out, X_SCOPE, scope.json());
      if (scope.identityUrl() != null) {
        line(out, X_IDENTITY_CLOUD, scope.identityCloud());
        line(out, X_IDENTITY_URL, scope.identityUrl());
      }
    }
    if (extra != null && extra.peerSignature() != null) line(out, X_OSCOPE_PEER, extra.peerSignature());
    if (hop != null) hop.writeTo(out);
    out.writeBytes(VIA).writeBytes(COLON);
    writeValues(out, client, via, Fate.VIA, connectionNamed);
    out.writeBytes(viaEntryBytes).writeBytes(CRLF);
    // Most clients send no forwarding header: only then is the peer's trust looked up.
    boolean passed = (forwardedFor >= 0 || forwardedProto >= 0 || forwardedHost >= 0 || forwarded >= 0)
        && hopsOf(table).believes(clientAddress);
    out.writeBytes(X_FORWARDED_FOR).writeBytes(COLON);
    if (passed) writeValues(out, client, forwardedFor, Fate.FORWARDED_FOR, connectionNamed);
    write(out, clientAddress);
    out.writeBytes(CRLF);
    if (passed && forwardedProto >= 0) writeLines(out, client, forwardedProto, Fate.FORWARDED_PROTO, connectionNamed);
    else line(out, X_FORWARDED_PROTO, scheme);
    if (passed && forwardedHost >= 0) writeLines(out, client, forwardedHost, Fate.FORWARDED_HOST, connectionNamed);
    else line(out, X_FORWARDED_HOST, route.forwardedHost());
    if (passed && forwarded >= 0) {
      out.writeBytes(FORWARDED).writeBytes(COLON);
      writeValues(out, client, forwarded, Fate.FORWARDED, connectionNamed);
      writeForwardedElement(out, clientAddress, route.forwardedHost());
      out.writeBytes(CRLF);
    }
    if (chunked) out.writeBytes(CHUNKED_LINE);
    out.writeBytes(CRLF);
  }

  /**
   * The client of {@code request} from the direct peer {@code peer}, as {@link TrustedHops} finds it
   * in {@code X-Forwarded-For}: the peer itself unless it is a hop believed for requests routed by
   * {@code table}. Most peers are not: their headers are not even looked at.
   */
  String clientOf(String peer, RequestHead request, RouteTable table) {
    TrustedHops believed = hopsOf(table);
    if (!believed.believes(peer)) return peer;
    List<String> chain = new ArrayList<>();
    boolean connectionNamed = request.connectionNamesOthers();
    for (int i = 0; i < request.count(); i++) {
      if (fateOf(request, i) != Fate.FORWARDED_FOR || connectionNamed && request.namedByConnection(i)) continue;
      for (String entry : request.value(i).split(",")) {
        if (!entry.isBlank()) chain.add(entry);
      }
    }
    return chain.isEmpty() ? peer : believed.client(peer, chain);
  }

  /** The hops believed for requests routed by {@code table}: these and its other clouds' proxies. */
  private TrustedHops hopsOf(RouteTable table) {
    Hops current = hops;
    if (current == null || current.table != table) {
      current = new Hops(table, trusted.withPeersOf(table));
      hops = current;
    }
    return current.trusted;
  }

  /**
   * This hop's element of {@code Forwarded} (RFC 7239): {@code for=...;host="...";proto=...}, an
   * IPv6 address and the host quoted as section 4 asks.
   */
  private void writeForwardedElement(ByteBuf out, String clientAddress, String host) {
    write(out, "for=");
    if (clientAddress.indexOf(':') >= 0) {
      out.writeByte('"').writeByte('[');
      write(out, clientAddress);
      out.writeByte(']').writeByte('"');
    } else {
      write(out, clientAddress);
    }
    write(out, ";host=");
    quoted(out, host);
    write(out, ";proto=");
    write(out, scheme);
  }

  private static void quoted(ByteBuf out, String text) {
    out.writeByte('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') out.writeByte('\\');
      out.writeByte(c);
    }
    out.writeByte('"');
  }

  /** Writes {@code n}, not negative, in decimal digits. */
  private static void writeDecimal(ByteBuf out, long n) {
    long unit = 1;
    while (unit <= n / 10) unit *= 10;
    for (; unit > 0; unit /= 10) out.writeByte((int) ('0' + n / unit % 10));
  }

  /**
   * Writes the values of the client's headers of fate {@code fate} from header {@code first} on
   * (none if -1), each followed by a comma: the proxy's own value comes last.
   */
  private static void writeValues(ByteBuf out, RequestHead client, int first, Fate fate, boolean connectionNamed) {
    if (first < 0) return;
    for (int i = first; i < client.count(); i++) {
      if (fateOf(client, i) != fate || connectionNamed && client.namedByConnection(i)) continue;
      writeValue(out, client, i, false);
      out.writeBytes(COMMA);
    }
  }

  /** Writes the client's headers of fate {@code fate} from header {@code first} on, each as it came. */
  private static void writeLines(ByteBuf out, RequestHead client, int first, Fate fate, boolean connectionNamed) {
    for (int i = first; i < client.count(); i++) {
      if (fateOf(client, i) == fate && !(connectionNamed && client.namedByConnection(i))) line(out, client, i, false);
    }
  }

  /** What the token exchange adds to a request head: either may be null. */
  record ExchangeHeaders(String serviceToken, String peerSignature) {}

  /**
   * What a hop adds for correlation, each null when not sent: oscope's request ID (to peers only),
   * the trace context of this proxy's span for the upstream (tracing on only).
   */
  record HopHeaders(String requestId, String traceparent, String tracestate) {
    private static final byte[] X_OSCOPE_REQUEST_ID = RequestRecord.X_OSCOPE_REQUEST_ID;

    /** The headers for {@code requestId} and a trace context; null if there is nothing to add. */
    static HopHeaders of(String requestId, String traceparent, String tracestate) {
      return requestId == null && traceparent == null ? null : new HopHeaders(requestId, traceparent, tracestate);
    }

    void writeTo(ByteBuf out) {
      if (requestId != null) line(out, X_OSCOPE_REQUEST_ID, requestId);
      if (traceparent != null) line(out, TRACEPARENT, traceparent);
      if (tracestate != null && !tracestate.isEmpty()) line(out, TRACESTATE, tracestate);
    }
  }

  private static Fate fateOf(RequestHead client, int i) {
    if (client.isHopByHop(i)) return Fate.DROP;
    return switch (client.nameEnd(i) - client.nameStart(i)) {
      case 3 -> client.nameIs(i, VIA) ? Fate.VIA : Fate.KEEP;
      case 4 -> client.nameIs(i, HOST) ? Fate.DROP : Fate.KEEP;
      case 6 -> client.nameIs(i, HeaderNames.EXPECT) ? Fate.DROP : Fate.KEEP; // 100-continue is answered here
      case 7 -> client.nameIs(i, X_SCOPE) ? Fate.DROP : Fate.KEEP;
      case 9 -> client.nameIs(i, FORWARDED) ? Fate.FORWARDED : Fate.KEEP;
      case 10 -> client.nameIs(i, TRACESTATE) ? Fate.TRACE : Fate.KEEP;
      case 11 -> client.nameIs(i, TRACEPARENT) ? Fate.TRACE : Fate.KEEP;
      case 12 -> client.nameIs(i, X_AUTH_TOKEN) ? Fate.AUTH_TOKEN : Fate.KEEP;
      case 13 -> client.nameIs(i, X_OSCOPE_PEER) ? Fate.DROP : Fate.KEEP; // a signature is for one hop
      case 14 -> client.nameIs(i, X_IDENTITY_URL) || client.nameIs(i, CONTENT_LENGTH) ? Fate.DROP : Fate.KEEP;
      case 15 -> client.nameIs(i, X_SUBJECT_TOKEN) ? Fate.SUBJECT_TOKEN
          : client.nameIs(i, X_SERVICE_TOKEN) ? Fate.SERVICE_TOKEN
          : client.nameIs(i, X_FORWARDED_FOR) ? Fate.FORWARDED_FOR : Fate.KEEP;
      case 16 -> client.nameIs(i, X_IDENTITY_CLOUD) ? Fate.DROP
          : client.nameIs(i, X_FORWARDED_HOST) ? Fate.FORWARDED_HOST : Fate.KEEP;
      case 17 -> client.nameIs(i, X_FORWARDED_PROTO) ? Fate.FORWARDED_PROTO : Fate.KEEP;
      case 19 -> client.nameIs(i, RequestRecord.X_OSCOPE_REQUEST_ID) ? Fate.DROP : Fate.KEEP; // oscope's, per hop
      default -> Fate.KEEP;
    };
  }

  /** Whether the token in the client's header {@code i} carries no scope suffix. */
  private static boolean unscoped(RequestHead client, int i) {
    return ScopedToken.scopeStart(client.bytes(), client.valueStart(i), client.valueEnd(i)) < 0;
  }

  /** Writes the client's header {@code i} as a line: its name as written, its value (without a scope suffix if {@code unscoped}). */
  private static void line(ByteBuf out, RequestHead client, int i, boolean unscoped) {
    out.writeBytes(client.bytes(), client.nameStart(i), client.nameEnd(i) - client.nameStart(i)).writeBytes(COLON);
    writeValue(out, client, i, unscoped);
    out.writeBytes(CRLF);
  }

  /** Writes the value of the client's header {@code i}; without the scope suffix of a token if {@code unscoped}. */
  private static void writeValue(ByteBuf out, RequestHead client, int i, boolean unscoped) {
    byte[] bytes = client.bytes();
    int start = client.valueStart(i);
    int end = client.valueEnd(i);
    if (unscoped) {
      int scope = ScopedToken.scopeStart(bytes, start, end);
      if (scope >= 0) end = scope - ScopedToken.SEPARATOR.length();
    }
    out.writeBytes(bytes, start, end - start);
  }

  private static void line(ByteBuf out, byte[] name, CharSequence value) {
    out.writeBytes(name).writeBytes(COLON);
    write(out, value);
    out.writeBytes(CRLF);
  }

  /** Writes the characters of a value of the proxy's own as ISO-8859-1 bytes. */
  private static void write(ByteBuf out, CharSequence text) {
    if (text instanceof AsciiString ascii) {
      out.writeBytes(ascii.array(), ascii.arrayOffset(), ascii.length());
    } else {
      out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    }
  }
}
